-- Indexes found by measuring the pages at city scale (EXPLAIN on the
-- `duban bench gen` data set; see README, Benchmarks).
-- A task's history reads the audit events of its records: without this it
-- scanned the whole chain, newest first, on every task page.
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id);
