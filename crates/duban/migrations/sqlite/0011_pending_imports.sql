-- Uploaded plan documents waiting between the preview and publishing. They
-- live in the database, not in a server's memory or folder: several stateless
-- servers share only the database, and the next request may reach another.
-- A row is deleted once its import is applied or discarded. plan_id names the
-- plan a re-import (revision) is for; NULL for a new plan.

CREATE TABLE pending_imports (
    id INTEGER PRIMARY KEY,
    uploader_id BIGINT NOT NULL REFERENCES users (id),
    plan_id BIGINT REFERENCES plans (id),
    file_name TEXT NOT NULL,
    content BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX pending_imports_uploader ON pending_imports (uploader_id);
