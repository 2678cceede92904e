-- Evaluation: four scored dimensions per assignment and round (完成情况、方法创新、
-- 实际效果、工作状态), by a supervision body; the weighted score is kept with the
-- weights used, so a later change of weights does not rewrite history.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    round TEXT NOT NULL,
    body_id BIGINT NOT NULL REFERENCES supervision_bodies (id),
    evaluator TEXT NOT NULL,
    completion DOUBLE PRECISION NOT NULL,
    innovation DOUBLE PRECISION NOT NULL,
    effect DOUBLE PRECISION NOT NULL,
    attitude DOUBLE PRECISION NOT NULL,
    weights TEXT NOT NULL,
    weighted DOUBLE PRECISION NOT NULL,
    comment TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (assignment_id, round, body_id)
);
CREATE INDEX evaluations_assignment ON evaluations (assignment_id);
