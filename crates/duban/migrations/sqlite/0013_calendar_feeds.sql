-- Calendar feeds (.ics): a secret URL per unit or per user that calendar
-- clients (Outlook, phones) subscribe to without signing in. The token is the
-- credential, so only its SHA-256 is stored: the URL is shown once, when it is
-- made, and resetting replaces the row (the old URL stops working at once).
-- Exactly one owner per row; one live feed per owner.

CREATE TABLE calendar_feeds (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT REFERENCES units (id),
    user_id BIGINT REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK ((unit_id IS NULL) <> (user_id IS NULL))
);
CREATE UNIQUE INDEX calendar_feeds_unit ON calendar_feeds (unit_id);
CREATE UNIQUE INDEX calendar_feeds_user ON calendar_feeds (user_id);
