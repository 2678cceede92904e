-- Lights remember history (DESIGN.md): every span of days an assignment
-- showed red, opened the day the rule turned it red and closed the day it
-- left red, with the first reason the rule gave. The rule reads the latest
-- span (work red in a report period shows yellow at best for the rest of it)
-- and the record keeps every miss, whatever the unit did afterwards.
CREATE TABLE red_spans (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    from_day TEXT NOT NULL,
    -- The day the light left red; NULL while it is red.
    until_day TEXT,
    reason TEXT NOT NULL
);
CREATE INDEX red_spans_assignment ON red_spans (assignment_id);

-- Work already red when the history began: its span opens on the day the
-- lights were last brought up to date (the day it was last seen red).
INSERT INTO red_spans (assignment_id, from_day, reason)
SELECT a.id, COALESCE((SELECT value FROM settings WHERE key = 'lights.as_of'), '2000-01-01'), 'before_history'
FROM assignments a WHERE a.light = 'red' AND a.withdrawn_in IS NULL;
