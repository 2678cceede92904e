-- Issue #6: lights kept current, reminders (催办) sent once, and the channels
-- they go out on.
--
-- Lights are stored beside what they light and refreshed in the transaction
-- of every change and on the first request or tick of each day; the rule
-- (domain::light) stays the only place that decides them.
ALTER TABLE assignments ADD COLUMN light TEXT NOT NULL DEFAULT 'green'
    CHECK (light IN ('green', 'yellow', 'red', 'done'));
ALTER TABLE tasks ADD COLUMN light TEXT NOT NULL DEFAULT 'green'
    CHECK (light IN ('green', 'yellow', 'red', 'done'));
CREATE INDEX tasks_plan_light ON tasks (plan_id, light, position);

-- Escalation: a unit's head is told from the second reminder of a cause on.
ALTER TABLE units ADD COLUMN head_user_id BIGINT REFERENCES users (id);
-- Quiet hours ("22:00-08:00"); NULL follows the office's setting.
ALTER TABLE units ADD COLUMN quiet_hours TEXT;
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN email_enabled BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN quiet_hours TEXT;

-- One row per cause and window: dedup_key is unique, so a reminder comes into
-- being once however many ticks, restarts or servers see it due.
CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    cause TEXT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    level BIGINT NOT NULL,
    unit_id BIGINT REFERENCES units (id),
    assignment_id BIGINT REFERENCES assignments (id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    due_on TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX reminders_assignment ON reminders (assignment_id);
CREATE INDEX reminders_unit ON reminders (unit_id, created_at);

-- Chat robots: a unit's group (or the office's own, owner_kind 'office').
CREATE TABLE notify_targets (
    id INTEGER PRIMARY KEY,
    owner_kind TEXT NOT NULL CHECK (owner_kind IN ('unit', 'office')),
    owner_id BIGINT REFERENCES units (id),
    robot TEXT NOT NULL CHECK (robot IN ('wecom', 'dingtalk', 'feishu', 'webhook')),
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX notify_targets_owner ON notify_targets (owner_kind, owner_id);

-- Each reminder on each channel to each recipient: the in-app inbox (with its
-- read receipt), an e-mail, a robot. Unique per (reminder, channel, address):
-- planning the deliveries twice adds nothing.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    reminder_id BIGINT NOT NULL REFERENCES reminders (id),
    channel TEXT NOT NULL CHECK (channel IN ('inbox', 'email', 'wecom', 'dingtalk', 'feishu', 'webhook')),
    address TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    target_id BIGINT REFERENCES notify_targets (id),
    in_copy BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    sent_at BIGINT,
    read_at BIGINT,
    UNIQUE (reminder_id, channel, address)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_inbox ON deliveries (user_id, channel, read_at);

-- Every attempt and its outcome, for the admin's delivery log.
CREATE TABLE delivery_attempts (
    id INTEGER PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES deliveries (id),
    attempted_at BIGINT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed')),
    error TEXT,
    holder TEXT NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id);

-- Who runs the scheduler: with several servers on one database, the holder
-- of an unexpired lease sends; the others wait for it to lapse.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
