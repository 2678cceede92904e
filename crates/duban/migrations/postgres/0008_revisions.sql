-- A re-imported document is a new revision: tasks it no longer holds and
-- units it no longer names are kept on the record, marked with the revision
-- that dropped them, never deleted.

ALTER TABLE tasks ADD COLUMN removed_in BIGINT;
ALTER TABLE assignments ADD COLUMN withdrawn_in BIGINT;
