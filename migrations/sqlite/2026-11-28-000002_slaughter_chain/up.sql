-- The slaughter chain (notice arts. 一, 三, 四, 五): animal certificates, intakes, batches, quarantine and
-- product certificates, inspection certificates, lots, harmless disposal, fees charged, corrections and
-- violations. All of these are evidence: rows are inserted, never updated or deleted.

CREATE TABLE animal_certificates (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE CHECK (length(number) > 0),
    cert_type TEXT NOT NULL CHECK (cert_type IN ('animal_a', 'animal_b')),
    species TEXT NOT NULL CHECK (species IN ('cattle', 'sheep')),
    head_count INTEGER NOT NULL CHECK (head_count > 0),
    owner_name TEXT NOT NULL,
    origin_place TEXT NOT NULL,
    destination_id TEXT NOT NULL REFERENCES slaughterhouses (org_id),
    carrier TEXT NOT NULL,
    vehicle_plate TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX animal_certificates_by_destination ON animal_certificates (destination_id, valid_until);

CREATE TABLE animal_certificate_ear_tags (
    certificate_id TEXT NOT NULL REFERENCES animal_certificates (id),
    ear_tag TEXT NOT NULL CHECK (length(ear_tag) = 15),
    PRIMARY KEY (certificate_id, ear_tag)
);
CREATE INDEX animal_certificate_ear_tags_by_tag ON animal_certificate_ear_tags (ear_tag);

CREATE TABLE intakes (
    id TEXT PRIMARY KEY,
    slaughterhouse_id TEXT NOT NULL REFERENCES slaughterhouses (org_id),
    certificate_id TEXT NOT NULL REFERENCES animal_certificates (id),
    species TEXT NOT NULL CHECK (species IN ('cattle', 'sheep')),
    heads_alive INTEGER NOT NULL CHECK (heads_alive >= 0),
    heads_dead INTEGER NOT NULL CHECK (heads_dead >= 0),
    vehicle_plate TEXT NOT NULL,
    received_at TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    CHECK (heads_alive + heads_dead > 0)
);
CREATE INDEX intakes_by_certificate ON intakes (certificate_id);
CREATE INDEX intakes_by_house ON intakes (slaughterhouse_id, received_at);

-- An ear tag is slaughtered at most once, ever: the unique index is the last line of defence.
CREATE TABLE intake_ear_tags (
    intake_id TEXT NOT NULL REFERENCES intakes (id),
    ear_tag TEXT NOT NULL UNIQUE CHECK (length(ear_tag) = 15),
    PRIMARY KEY (intake_id, ear_tag)
);

CREATE TABLE intake_checks (
    id TEXT PRIMARY KEY,
    intake_id TEXT NOT NULL REFERENCES intakes (id),
    vet_id TEXT NOT NULL REFERENCES users (id),
    accepted INTEGER NOT NULL,
    note TEXT,
    checked_at TEXT NOT NULL
);
CREATE INDEX intake_checks_by_intake ON intake_checks (intake_id, checked_at);

CREATE TABLE slaughter_batches (
    id TEXT PRIMARY KEY,
    slaughterhouse_id TEXT NOT NULL REFERENCES slaughterhouses (org_id),
    batch_no TEXT NOT NULL CHECK (length(batch_no) > 0),
    species TEXT NOT NULL CHECK (species IN ('cattle', 'sheep')),
    halal INTEGER NOT NULL,
    slaughter_date TEXT NOT NULL,
    heads INTEGER NOT NULL CHECK (heads > 0),
    recorded_by TEXT REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    UNIQUE (slaughterhouse_id, batch_no)
);
CREATE INDEX slaughter_batches_by_date ON slaughter_batches (slaughterhouse_id, slaughter_date);

CREATE TABLE batch_intakes (
    batch_id TEXT NOT NULL REFERENCES slaughter_batches (id),
    intake_id TEXT NOT NULL REFERENCES intakes (id),
    heads INTEGER NOT NULL CHECK (heads > 0),
    PRIMARY KEY (batch_id, intake_id)
);
CREATE INDEX batch_intakes_by_intake ON batch_intakes (intake_id);

CREATE TABLE quarantine_results (
    id TEXT PRIMARY KEY,
    batch_id TEXT NOT NULL UNIQUE REFERENCES slaughter_batches (id),
    vet_id TEXT NOT NULL REFERENCES users (id),
    heads_passed INTEGER NOT NULL CHECK (heads_passed >= 0),
    heads_failed INTEGER NOT NULL CHECK (heads_failed >= 0),
    samples INTEGER NOT NULL CHECK (samples >= 0),
    positives INTEGER NOT NULL CHECK (positives >= 0 AND positives <= samples),
    note TEXT,
    recorded_at TEXT NOT NULL
);

CREATE TABLE product_certificates (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE CHECK (length(number) > 0),
    cert_type TEXT NOT NULL CHECK (cert_type IN ('product_a', 'product_b')),
    batch_id TEXT NOT NULL REFERENCES slaughter_batches (id),
    quarantine_id TEXT NOT NULL REFERENCES quarantine_results (id),
    product TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit TEXT NOT NULL CHECK (unit IN ('kg', 'head', 'piece')),
    vet_id TEXT NOT NULL REFERENCES users (id),
    issued_at TEXT NOT NULL,
    valid_until TEXT NOT NULL
);
CREATE INDEX product_certificates_by_batch ON product_certificates (batch_id);

CREATE TABLE inspection_certificates (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE CHECK (length(number) > 0),
    batch_id TEXT NOT NULL REFERENCES slaughter_batches (id),
    weight_g INTEGER NOT NULL CHECK (weight_g > 0),
    inspector TEXT NOT NULL,
    passed INTEGER NOT NULL,
    inspected_at TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX inspection_certificates_by_batch ON inspection_certificates (batch_id);

CREATE TABLE lots (
    id TEXT PRIMARY KEY,
    trace_code TEXT NOT NULL UNIQUE,
    batch_id TEXT NOT NULL REFERENCES slaughter_batches (id),
    slaughterhouse_id TEXT NOT NULL REFERENCES slaughterhouses (org_id),
    product_kind TEXT NOT NULL CHECK (product_kind IN ('carcass', 'half_carcass', 'quarter_carcass', 'cuts',
        'offal', 'head_hooves')),
    product_name TEXT NOT NULL,
    weight_g INTEGER NOT NULL CHECK (weight_g > 0),
    halal INTEGER NOT NULL,
    storage TEXT NOT NULL CHECK (storage IN ('chilled', 'frozen')),
    use_by TEXT NOT NULL,
    gtin TEXT,
    product_certificate_id TEXT NOT NULL REFERENCES product_certificates (id),
    inspection_certificate_id TEXT NOT NULL REFERENCES inspection_certificates (id),
    parent_lot_id TEXT REFERENCES lots (id),
    recorded_by TEXT REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX lots_by_batch ON lots (batch_id);
CREATE INDEX lots_by_parent ON lots (parent_lot_id);

CREATE TABLE disposals (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    target TEXT NOT NULL CHECK (target IN ('batch', 'lot', 'failed_heads')),
    batch_id TEXT REFERENCES slaughter_batches (id),
    lot_id TEXT REFERENCES lots (id),
    reason TEXT NOT NULL CHECK (reason IN ('quarantine_fail', 'inspection_fail', 'recall', 'sick_dead', 'spoilage')),
    method TEXT NOT NULL CHECK (method IN ('incineration', 'rendering', 'high_temperature', 'deep_burial',
        'chemical', 'fermentation')),
    weight_g INTEGER NOT NULL CHECK (weight_g >= 0),
    heads INTEGER NOT NULL CHECK (heads >= 0),
    handler TEXT NOT NULL,
    supervising_vet_id TEXT REFERENCES users (id),
    outsourced INTEGER NOT NULL,
    handover_slip TEXT,
    disposed_at TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    CHECK (target <> 'lot' OR lot_id IS NOT NULL),
    CHECK (target = 'lot' OR batch_id IS NOT NULL),
    CHECK (outsourced = 0 OR handover_slip IS NOT NULL)
);
CREATE INDEX disposals_by_batch ON disposals (batch_id);
CREATE INDEX disposals_by_lot ON disposals (lot_id);

-- A correction is a new record naming the field it corrects; readers apply the newest one.
CREATE TABLE corrections (
    id TEXT PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    recorded_by TEXT REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX corrections_by_entity ON corrections (entity, entity_id, recorded_at);

CREATE TABLE fee_charges (
    id TEXT PRIMARY KEY,
    batch_id TEXT NOT NULL REFERENCES slaughter_batches (id),
    slaughterhouse_id TEXT NOT NULL REFERENCES slaughterhouses (org_id),
    item TEXT NOT NULL CHECK (length(item) > 0),
    fee_item_id TEXT REFERENCES fee_items (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    finding TEXT NOT NULL CHECK (finding IN ('within_cap', 'over_cap', 'unapproved')),
    charged_on TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX fee_charges_by_batch ON fee_charges (batch_id);

CREATE TABLE violations (
    id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    article TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('detected', 'attempt', 'inspection', 'complaint')),
    severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    subject_org_id TEXT REFERENCES organisations (id),
    subject_name TEXT,
    subject_address TEXT,
    district TEXT,
    summary TEXT NOT NULL,
    summary_en TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    detected_at TEXT NOT NULL,
    CHECK (subject_org_id IS NOT NULL OR subject_name IS NOT NULL)
);
CREATE INDEX violations_by_subject ON violations (subject_org_id, detected_at);
CREATE INDEX violations_by_rule ON violations (rule, detected_at);
CREATE INDEX violations_by_district ON violations (district, detected_at);

CREATE TABLE violation_records (
    violation_id TEXT NOT NULL REFERENCES violations (id),
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (violation_id, entity, entity_id)
);
CREATE INDEX violation_records_by_record ON violation_records (entity, entity_id);
