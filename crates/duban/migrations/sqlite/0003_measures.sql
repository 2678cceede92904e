-- A unit breaks its assignment into measures: what, who answers for it, by when.

CREATE TABLE measures (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    description TEXT NOT NULL,
    responsible_person TEXT NOT NULL,
    deadline TEXT NOT NULL,
    done_at BIGINT,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX measures_assignment ON measures (assignment_id);

-- Why a declared completion was sent back, kept with the assignment.
ALTER TABLE assignments ADD COLUMN note TEXT;
