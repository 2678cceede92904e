-- Progress reports: one per assignment and period (2021-03 for a month,
-- 2021-Q1 for a quarter), with the actual figure reached for each target.

CREATE TABLE progress_reports (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    period TEXT NOT NULL,
    narrative TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    submitted_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (assignment_id, period)
);

CREATE TABLE report_actuals (
    report_id BIGINT NOT NULL REFERENCES progress_reports (id),
    target_id BIGINT NOT NULL REFERENCES targets (id),
    actual DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (report_id, target_id)
);
