-- A supervisor acts for one supervision body: its inspections, findings and
-- evaluations are that body's. (Admins act for any.)

ALTER TABLE users ADD COLUMN body_id BIGINT REFERENCES supervision_bodies (id);
