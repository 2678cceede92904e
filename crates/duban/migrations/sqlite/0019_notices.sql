-- 三色督办单: formal notices the office issues to a unit on its assignment,
-- numbered in a series per colour and year — blue (提醒), yellow (behind the
-- time-proportional schedule, 序时进度, or poor quality), red (overdue) — and
-- acknowledged by the unit (签收) with its answer.
CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    color TEXT NOT NULL CHECK (color IN ('blue', 'yellow', 'red')),
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    required_action TEXT NOT NULL,
    respond_by TEXT NOT NULL,
    -- The assignment's light when the notice was issued.
    light TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    reminder_id BIGINT REFERENCES reminders (id),
    acknowledged_by TEXT,
    acknowledged_at BIGINT,
    response TEXT,
    UNIQUE (color, year, seq)
);
CREATE INDEX notices_assignment ON notices (assignment_id);
