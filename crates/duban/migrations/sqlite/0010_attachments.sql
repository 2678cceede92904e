-- Evidence files attached to progress reports. They are kept in the database,
-- not in a folder: several servers share them without a shared filesystem, and
-- a backup of the database holds the evidence with the record it proves.

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES progress_reports (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX attachments_report ON attachments (report_id);
