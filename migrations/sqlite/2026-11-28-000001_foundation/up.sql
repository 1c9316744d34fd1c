-- Foundation: organisations, accounts, the slaughterhouse registry, credit files and the audit trail.
-- Ids are UUIDs as text, times are UTC (TEXT), days are China-time calendar dates, enums are text with CHECK.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('platform_operator', 'slaughterhouse', 'buyer',
        'slaughter_administration', 'circulation_administration', 'animal_health_agency', 'hotline_centre')),
    name TEXT NOT NULL CHECK (length(name) > 0),
    district TEXT CHECK (district IS NULL OR district IN ('yuexiu','haizhu','liwan','tianhe','baiyun','huangpu','panyu','huadu','nansha','conghua','zengcheng')),
    created_at TEXT NOT NULL
);
CREATE INDEX organisations_kind_district ON organisations (kind, district);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'slaughter_regulator', 'market_regulator', 'official_vet',
        'slaughterhouse', 'vendor', 'inspector', 'hotline_operator')),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    disabled INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    session_epoch INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE slaughterhouses (
    org_id TEXT PRIMARY KEY REFERENCES organisations (id),
    uscc TEXT NOT NULL UNIQUE CHECK (length(uscc) = 18),
    designation_no TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL,
    species TEXT NOT NULL CHECK (species IN ('cattle', 'sheep', 'both')),
    halal_cert_no TEXT,
    halal_cert_expires TEXT,
    licence_no TEXT NOT NULL,
    licence_valid_from TEXT NOT NULL,
    licence_valid_until TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('designated', 'suspended', 'revoked')),
    designated_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (licence_valid_from <= licence_valid_until),
    CHECK ((halal_cert_no IS NULL) = (halal_cert_expires IS NULL))
);
CREATE INDEX slaughterhouses_status ON slaughterhouses (status);

CREATE TABLE slaughterhouse_status_changes (
    id TEXT PRIMARY KEY,
    slaughterhouse_id TEXT NOT NULL REFERENCES slaughterhouses (org_id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL CHECK (to_status IN ('designated', 'suspended', 'revoked')),
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    changed_by TEXT REFERENCES users (id),
    changed_at TEXT NOT NULL
);
CREATE INDEX slaughterhouse_status_changes_by_house ON slaughterhouse_status_changes (slaughterhouse_id, changed_at);

CREATE TABLE quality_agreements (
    id TEXT PRIMARY KEY,
    slaughterhouse_id TEXT NOT NULL REFERENCES slaughterhouses (org_id),
    number TEXT NOT NULL UNIQUE,
    signed_on TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    CHECK (signed_on <= expires_on)
);
CREATE INDEX quality_agreements_by_house ON quality_agreements (slaughterhouse_id, expires_on);

CREATE TABLE fee_items (
    id TEXT PRIMARY KEY,
    slaughterhouse_id TEXT NOT NULL REFERENCES slaughterhouses (org_id),
    item TEXT NOT NULL CHECK (length(item) > 0),
    unit TEXT NOT NULL CHECK (unit IN ('per_head', 'per_kg', 'per_batch')),
    cap_fen INTEGER NOT NULL CHECK (cap_fen >= 0),
    effective_from TEXT NOT NULL,
    effective_until TEXT,
    approval_ref TEXT,
    recorded_by TEXT REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    CHECK (effective_until IS NULL OR effective_from <= effective_until)
);
CREATE INDEX fee_items_by_house ON fee_items (slaughterhouse_id, item, effective_from);

CREATE TABLE credit_events (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    occurred_on TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('designated', 'agreement_signed', 'suspended', 'reinstated', 'revoked',
        'commendation', 'warning', 'violation_penalised', 'note')),
    summary TEXT NOT NULL CHECK (length(summary) > 0),
    source_entity TEXT,
    source_id TEXT,
    recorded_by TEXT REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX credit_events_by_org ON credit_events (org_id, occurred_on);

CREATE TABLE vet_assignments (
    id TEXT PRIMARY KEY,
    vet_id TEXT NOT NULL REFERENCES users (id),
    slaughterhouse_id TEXT NOT NULL REFERENCES slaughterhouses (org_id),
    assigned_by TEXT REFERENCES users (id),
    assigned_at TEXT NOT NULL,
    ended_by TEXT REFERENCES users (id),
    ended_at TEXT
);
CREATE INDEX vet_assignments_by_vet ON vet_assignments (vet_id, slaughterhouse_id);
CREATE INDEX vet_assignments_by_house ON vet_assignments (slaughterhouse_id);

-- Every write adds a row to audit_pending in its own transaction (no lock shared between writers); the
-- sealer moves pending rows, in batches, into audit_log, the append-only hash chain. audit_head is the
-- chain's tip, one row, locked by the sealer; audit_checkpoints keeps the tip each verification saw.
CREATE TABLE audit_pending (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE INDEX audit_pending_by_time ON audit_pending (at, id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, seq);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_checkpoints (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    verified_at TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_by_time ON audit_checkpoints (verified_at);

