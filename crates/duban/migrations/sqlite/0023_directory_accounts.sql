-- Directory accounts (LDAP / Active Directory): a user whose password the
-- directory checks, made and kept current by the directory sync. A local
-- account keeps its own password hash; a directory account's hash is empty
-- and never checked. `directory_gone_at` is when the sync last found the
-- account missing from the directory and turned it off: only such an account
-- is turned on again when it comes back (one an admin turned off stays off).
ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'directory'));
ALTER TABLE users ADD COLUMN directory_gone_at BIGINT;
