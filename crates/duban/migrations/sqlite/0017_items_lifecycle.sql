-- Issue #10: the 督办 lifecycle beyond the annual plan.
--
-- A supervised item (督办事项) opened from a meeting, a leader's instruction,
-- a higher-level document, an NPC suggestion, a CPPCC proposal or a public
-- clue is a task of its year's register (plans.kind = 'register'), so that
-- assignments, measures, reports, lights, findings, the ledger and the
-- bulletin serve it as they serve the annual plan's tasks. `items` holds
-- what only such an item has: its source, its number, its approval.
ALTER TABLE plans ADD COLUMN kind TEXT NOT NULL DEFAULT 'annual'
    CHECK (kind IN ('annual', 'register'));

-- The office's document numbers (督〔2021〕12号): one sequence per kind and
-- year, taken with one upsert so that two servers never hand out the same.
CREATE TABLE document_numbers (
    kind TEXT NOT NULL,
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (kind, year)
);

CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL UNIQUE REFERENCES tasks (id),
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL CHECK (source IN ('meeting', 'leader_instruction', 'higher_document',
        'npc_suggestion', 'cppcc_proposal', 'public_clue')),
    -- The meeting, the instruction's author and date, the document's number…
    source_ref TEXT NOT NULL,
    required_result TEXT NOT NULL,
    evidence_required BOOLEAN NOT NULL DEFAULT TRUE,
    state TEXT NOT NULL CHECK (state IN ('awaiting_approval', 'refused', 'assigned')),
    opened_by TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    decision_note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (year, seq)
);

-- The units named at 立项, assigned when the item is (after any approval).
CREATE TABLE item_units (
    item_id BIGINT NOT NULL REFERENCES items (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
    position BIGINT NOT NULL,
    PRIMARY KEY (item_id, unit_id)
);

-- 签收: by when a unit must sign, and when it did. A returned assignment
-- (退回) waits for the office's decision with returned_at set. A granted
-- extension (延期) moves the unit's deadline to extended_to; the task's own
-- deadline stays as published.
ALTER TABLE assignments ADD COLUMN sign_by TEXT;
ALTER TABLE assignments ADD COLUMN claimed_at BIGINT;
ALTER TABLE assignments ADD COLUMN returned_at BIGINT;
ALTER TABLE assignments ADD COLUMN extended_to TEXT;

-- Every return with the office's decision: re-assigned to another unit, or
-- kept with the unit that returned it.
CREATE TABLE assignment_returns (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    reason_kind TEXT NOT NULL CHECK (reason_kind IN ('not_our_remit', 'wrong_unit', 'other')),
    reason TEXT NOT NULL,
    suggested_unit TEXT,
    returned_by TEXT NOT NULL,
    returned_at BIGINT NOT NULL,
    decision TEXT CHECK (decision IN ('reassigned', 'kept')),
    to_unit_id BIGINT REFERENCES units (id),
    decided_by TEXT,
    decided_at BIGINT,
    decision_note TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX assignment_returns_assignment ON assignment_returns (assignment_id);

-- 延期申请: asked by the unit, decided by a supervisor (or a leader, by setting).
CREATE TABLE extensions (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    deadline_before TEXT NOT NULL,
    requested_to TEXT NOT NULL,
    reason TEXT NOT NULL,
    -- Asked after the deadline had passed: allowed, and shown as such.
    late BOOLEAN NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused')),
    decided_by TEXT,
    decided_at BIGINT,
    decision_note TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX extensions_assignment ON extensions (assignment_id);
CREATE INDEX extensions_pending ON extensions (state);
