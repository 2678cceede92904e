-- A plan's public progress page (公开进度): off until the office turns it on,
-- and then showing only the fields it chose. The page reads this row and
-- nothing it does not name.
CREATE TABLE public_pages (
    plan_id BIGINT PRIMARY KEY REFERENCES plans (id),
    enabled BOOLEAN NOT NULL DEFAULT FALSE,
    -- The published fields, comma-separated (body, units, deadline, light,
    -- progress, targets, summary).
    fields TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
