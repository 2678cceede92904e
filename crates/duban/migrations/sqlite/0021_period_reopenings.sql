-- A report period is locked once its window has closed (its grace days
-- over): a report for it is refused. The office may reopen one period of one
-- assignment, with a reason, until a day; every reopening stays on record.
CREATE TABLE period_reopenings (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    period TEXT NOT NULL,
    reason TEXT NOT NULL,
    -- The last day a report for the period is taken.
    until_day TEXT NOT NULL,
    reopened_by TEXT NOT NULL,
    reopened_at BIGINT NOT NULL
);
CREATE INDEX period_reopenings_assignment ON period_reopenings (assignment_id, period);
