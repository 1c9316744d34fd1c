-- Supervision: the violation workflow. A violation's status is the fold of its numbered events (insert-only,
-- like complaint events): open (no event), investigating, then penalised (with a fine in fen) or dismissed.
CREATE TABLE violation_events (
    id TEXT PRIMARY KEY,
    violation_id TEXT NOT NULL REFERENCES violations (id),
    seq INTEGER NOT NULL CHECK (seq > 0),
    kind TEXT NOT NULL CHECK (kind IN ('investigating', 'penalised', 'dismissed')),
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    fine_fen INTEGER CHECK (fine_fen IS NULL OR fine_fen >= 0),
    actor_id TEXT REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    UNIQUE (violation_id, seq)
);
CREATE INDEX violation_events_by_kind ON violation_events (kind, violation_id);

-- The unfiltered inspector list pages by time.
CREATE INDEX violations_by_time ON violations (detected_at, id);
CREATE INDEX violations_by_severity ON violations (severity, detected_at);

-- The scheduled rules look at bounded windows: certificates by the day their validity ends.
CREATE INDEX animal_certificates_by_expiry ON animal_certificates (valid_until);
