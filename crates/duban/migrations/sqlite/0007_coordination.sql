-- What moves between units, the office and leaders around a task:
-- difficulties raised for coordination (难点问题), urgent situation reports
-- (重要情况), leaders' instructions (批示) and comments.

CREATE TABLE difficulties (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    description TEXT NOT NULL,
    routed_to TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    raised_at BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
    answer TEXT,
    resolved_by TEXT,
    resolved_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX difficulties_assignment ON difficulties (assignment_id);

CREATE TABLE situation_reports (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks (id),
    unit_id BIGINT REFERENCES units (id),
    description TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    reported_at BIGINT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX situation_reports_task ON situation_reports (task_id);

CREATE TABLE task_notes (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks (id),
    kind TEXT NOT NULL CHECK (kind IN ('instruction', 'comment')),
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    written_at BIGINT NOT NULL
);
CREATE INDEX task_notes_task ON task_notes (task_id, kind);
