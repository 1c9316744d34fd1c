-- Refused (CHECK constraint) once an erasure has been recorded: an erasure cannot be undone.
DROP INDEX complaint_events_of_kind;
DROP INDEX complaint_events_claimant_held;
DROP INDEX complaints_reporter_name_held;
DROP INDEX complaints_reporter_phone_held;

CREATE TABLE complaint_events_old (
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
INSERT INTO complaint_events_old (id, complaint_id, seq, kind, status, actor_id, officer_id, note, reply,
    reward_fen, paid_on, claimant_name, claimant_phone, claimant_account, violation_id, at)
SELECT id, complaint_id, seq, kind, status, actor_id, officer_id, note, reply,
    reward_fen, paid_on, claimant_name, claimant_phone, claimant_account, violation_id, at
FROM complaint_events;
DROP TABLE complaint_events;
ALTER TABLE complaint_events_old RENAME TO complaint_events;
CREATE INDEX complaint_events_by_kind ON complaint_events (complaint_id, kind);
CREATE INDEX complaint_events_by_officer ON complaint_events (officer_id);
CREATE INDEX complaint_events_by_actor ON complaint_events (actor_id);

ALTER TABLE complaints DROP COLUMN reporter_erased_at;
ALTER TABLE complaints DROP COLUMN reporter_salt;
