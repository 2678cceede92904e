-- Edited ledgers (台账 .xlsx) waiting between the import preview and its
-- confirmation. Like pending_imports (plan documents) they live in the
-- database, so the next request may reach another server; a row is deleted
-- once its changes are applied or discarded, and abandoned ones after a week.

CREATE TABLE ledger_uploads (
    id INTEGER PRIMARY KEY,
    uploader_id BIGINT NOT NULL REFERENCES users (id),
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    file_name TEXT NOT NULL,
    content BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ledger_uploads_uploader ON ledger_uploads (uploader_id);
