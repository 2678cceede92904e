-- Three tiers and more: a unit may sit under another (a residents'
-- committee under its street), and a unit may cascade (分解下达) its part of
-- a task to a unit directly under it, which may cascade again. The cascaded
-- part is an assignment of the same task; this table says whose part it is.
ALTER TABLE units ADD COLUMN parent_id BIGINT REFERENCES units (id);

CREATE TABLE cascades (
    assignment_id BIGINT PRIMARY KEY REFERENCES assignments (id),
    parent_assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    cascaded_by TEXT NOT NULL,
    cascaded_at BIGINT NOT NULL
);
CREATE INDEX cascades_parent ON cascades (parent_assignment_id);
