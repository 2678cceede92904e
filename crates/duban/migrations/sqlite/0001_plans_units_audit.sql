-- Units, plans as imported, assignments, users and the audit chain.
-- Same numbers and tables as migrations/postgres; a test compares the two schemas.
-- Instants are BIGINT milliseconds since the epoch (UTC); civil dates are TEXT 'YYYY-MM-DD'.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT '',
    is_group BOOLEAN NOT NULL DEFAULT FALSE,
    open_group BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE unit_aliases (
    alias TEXT PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units (id)
);

CREATE TABLE unit_group_members (
    group_id BIGINT NOT NULL REFERENCES units (id),
    member_id BIGINT NOT NULL REFERENCES units (id),
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    year BIGINT,
    title TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'closed')),
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE plan_revisions (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    number BIGINT NOT NULL,
    source_name TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    parsed_json TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    UNIQUE (plan_id, number)
);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    ordinal TEXT NOT NULL,
    title TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    category_id BIGINT REFERENCES categories (id),
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    deadline_date TEXT,
    deadline_text TEXT,
    position BIGINT NOT NULL,
    start_line BIGINT NOT NULL,
    end_line BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tasks_plan ON tasks (plan_id, position);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks (id),
    metric TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('>=', '<=', '=', 'up', 'down')),
    value DOUBLE PRECISION,
    unit TEXT,
    qualifier TEXT,
    position BIGINT NOT NULL
);
CREATE INDEX targets_task ON targets (task_id);

CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
    state TEXT NOT NULL CHECK (state IN ('assigned', 'claimed', 'in_progress', 'done', 'verified')),
    via_group_id BIGINT REFERENCES units (id),
    assigned_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (task_id, unit_id)
);
CREATE INDEX assignments_unit ON assignments (unit_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'leader', 'liaison', 'viewer')),
    unit_id BIGINT REFERENCES units (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- Every change, hash-chained: hash = sha256(prev_hash, the event's fields).
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);

-- The chain's head, so that removing the newest events is detected too.
-- Writers lock this row, which also serialises appends to the chain.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    last_event_id BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_event_id, hash) VALUES (1, 0, '');

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
