-- 办结 and 复核: a unit's completion report with its evidence, and the
-- office's review of it: accepted (办结, classed on time or late against the
-- deadline in force) or sent back (驳回) with a reason. Every report stays,
-- so a completion rejected once and submitted again shows both.
CREATE TABLE completions (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    summary TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    -- The deadline in force when it was submitted (YYYY-MM-DD), if any.
    deadline TEXT,
    decision TEXT CHECK (decision IN ('accepted', 'rejected')),
    -- on_time or late, set when accepted.
    outcome TEXT CHECK (outcome IN ('on_time', 'late')),
    decided_by TEXT,
    decided_at BIGINT,
    reason TEXT
);
CREATE INDEX completions_assignment ON completions (assignment_id);

-- Evidence of a completion, kept in the database like a report's.
CREATE TABLE completion_files (
    id INTEGER PRIMARY KEY,
    completion_id BIGINT NOT NULL REFERENCES completions (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX completion_files_completion ON completion_files (completion_id);
