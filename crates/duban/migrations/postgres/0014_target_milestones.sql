-- Milestones (节点目标) of a quantitative target: the cumulative figure the
-- office plans by a day of the plan year (6月底 ≥ 80, 9月底 ≥ 140). A target
-- without any follows its value pro rata by month (domain/trajectory.rs).
-- Same in migrations/sqlite and migrations/postgres.

CREATE TABLE target_milestones (
    target_id BIGINT NOT NULL REFERENCES targets (id),
    due_on TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (target_id, due_on)
);
