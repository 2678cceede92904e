-- Supervision: the bodies that inspect (督查领导小组办公室, 区委办督查, 区府办督查),
-- their inspections, and the findings they raise on assignments: a reminder,
-- an offer of service, or a rectification with a deadline, closed only when a
-- supervisor verifies the unit's response (销号).

CREATE TABLE supervision_bodies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES supervision_bodies (id),
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    title TEXT NOT NULL,
    inspected_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    inspection_id BIGINT NOT NULL REFERENCES inspections (id),
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    action TEXT NOT NULL CHECK (action IN ('reminder', 'service', 'rectification')),
    description TEXT NOT NULL,
    deadline TEXT,
    state TEXT NOT NULL CHECK (state IN ('open', 'answered', 'closed')),
    response TEXT,
    responded_at BIGINT,
    verified_by TEXT,
    verified_at BIGINT,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX findings_assignment ON findings (assignment_id);
