-- The public side (notice arts. 七, 九, 十): verification counts, the copied-label signals they feed, and
-- 12345 complaints with their workflow. Complaints and their events are evidence: inserted, never updated.

-- Verifications of known codes, counted per lot, stall context and minute (no personal data). The service
-- adds up counts in memory and writes them in batches, so consumer scans never wait on a database write.
CREATE TABLE verification_counts (
    id TEXT PRIMARY KEY,
    lot_id TEXT NOT NULL REFERENCES lots (id),
    stall_id TEXT REFERENCES organisations (id),
    minute TEXT NOT NULL,
    hits INTEGER NOT NULL CHECK (hits > 0)
);
CREATE INDEX verification_counts_by_lot ON verification_counts (lot_id, minute);

CREATE TABLE complaints (
    id TEXT PRIMARY KEY,
    ticket_no TEXT NOT NULL UNIQUE,
    access_salt TEXT NOT NULL,
    access_hash TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('unlicensed_slaughter', 'unquarantined', 'failed_inspection',
        'sick_or_dead', 'water_injected', 'adulterated', 'not_in_network', 'other')),
    description TEXT NOT NULL CHECK (length(description) > 0),
    place TEXT,
    district TEXT,
    subject_org_id TEXT REFERENCES organisations (id),
    subject_lot_id TEXT REFERENCES lots (id),
    subject_name TEXT,
    subject_code TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'phone')),
    work_order_no TEXT,
    reporter_name TEXT,
    reporter_phone TEXT,
    side TEXT NOT NULL CHECK (side IN ('slaughter', 'circulation')),
    routed_org_id TEXT REFERENCES organisations (id),
    entered_by TEXT REFERENCES users (id),
    received_at TEXT NOT NULL,
    dispatch_due TEXT NOT NULL,
    conclude_due TEXT NOT NULL,
    CHECK (channel = 'web' OR work_order_no IS NOT NULL)
);
CREATE UNIQUE INDEX complaints_work_order ON complaints (work_order_no) WHERE work_order_no IS NOT NULL;
CREATE INDEX complaints_by_side ON complaints (side, district, received_at);
CREATE INDEX complaints_by_due ON complaints (conclude_due);
CREATE INDEX complaints_by_entered ON complaints (entered_by);

-- Every move of a complaint, numbered from 1 per complaint (the number makes concurrent moves collide).
CREATE TABLE complaint_events (
    id TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL REFERENCES complaints (id),
    seq INTEGER NOT NULL CHECK (seq > 0),
    kind TEXT NOT NULL CHECK (kind IN ('received', 'dispatched', 'investigating', 'substantiated',
        'unsubstantiated', 'rewarded', 'reward_claimed', 'reward_paid', 'closed')),
    status TEXT NOT NULL CHECK (status IN ('received', 'dispatched', 'investigating', 'substantiated',
        'unsubstantiated', 'rewarded', 'closed')),
    actor_id TEXT REFERENCES users (id),
    officer_id TEXT REFERENCES users (id),
    note TEXT,
    reply TEXT,
    reward_fen INTEGER CHECK (reward_fen IS NULL OR reward_fen > 0),
    paid_on TEXT,
    claimant_name TEXT,
    claimant_phone TEXT,
    claimant_account TEXT,
    violation_id TEXT REFERENCES violations (id),
    at TEXT NOT NULL,
    UNIQUE (complaint_id, seq)
);
CREATE INDEX complaint_events_by_kind ON complaint_events (complaint_id, kind);
CREATE INDEX complaint_events_by_officer ON complaint_events (officer_id);
CREATE INDEX complaint_events_by_actor ON complaint_events (actor_id);
