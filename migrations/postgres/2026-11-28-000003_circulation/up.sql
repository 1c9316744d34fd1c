-- Circulation (notice arts. 六 to 九): buyers, shipments, purchase ledgers, recalls, holders' disposals,
-- split lots, sales receipts and sold-out marks. All evidence: inserted, never updated or deleted.

CREATE TABLE buyer_profiles (
    org_id TEXT PRIMARY KEY REFERENCES organisations (id),
    buyer_kind TEXT NOT NULL CHECK (buyer_kind IN ('supermarket', 'meat_market_stall', 'farmers_market_stall',
        'meat_shop', 'wholesale_trader', 'restaurant', 'canteen', 'processor')),
    licence_no TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL,
    market_name TEXT,
    stall_no TEXT,
    registered_by TEXT REFERENCES users (id),
    registered_at TIMESTAMP NOT NULL
);

CREATE TABLE shipments (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES organisations (id),
    buyer_id TEXT NOT NULL REFERENCES organisations (id),
    ship_date DATE NOT NULL,
    voucher_no TEXT NOT NULL CHECK (length(voucher_no) > 0),
    recorded_by TEXT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (seller_id, voucher_no),
    CHECK (seller_id <> buyer_id)
);
CREATE INDEX shipments_by_buyer ON shipments (buyer_id, ship_date);

CREATE TABLE shipment_lines (
    shipment_id TEXT NOT NULL REFERENCES shipments (id),
    lot_id TEXT NOT NULL REFERENCES lots (id),
    weight_g BIGINT NOT NULL CHECK (weight_g > 0),
    unit_price_fen BIGINT NOT NULL CHECK (unit_price_fen >= 0),
    PRIMARY KEY (shipment_id, lot_id)
);
CREATE INDEX shipment_lines_by_lot ON shipment_lines (lot_id);

CREATE TABLE ledger_entries (
    id TEXT PRIMARY KEY,
    buyer_id TEXT NOT NULL REFERENCES organisations (id),
    supplier_id TEXT NOT NULL REFERENCES organisations (id),
    lot_id TEXT NOT NULL REFERENCES lots (id),
    weight_g BIGINT NOT NULL CHECK (weight_g > 0),
    product_certificate_no TEXT NOT NULL,
    inspection_certificate_no TEXT NOT NULL,
    receipt_no TEXT,
    document_check BOOLEAN NOT NULL,
    document_note TEXT,
    idempotency_key TEXT,
    recorded_by TEXT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (buyer_id, idempotency_key)
);
CREATE INDEX ledger_entries_by_lot ON ledger_entries (lot_id, buyer_id);
CREATE INDEX ledger_entries_by_buyer ON ledger_entries (buyer_id, recorded_at);

CREATE TABLE lot_recalls (
    id TEXT PRIMARY KEY,
    lot_id TEXT NOT NULL REFERENCES lots (id),
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    recalled_by TEXT REFERENCES users (id),
    recalled_at TIMESTAMP NOT NULL
);
CREATE INDEX lot_recalls_by_lot ON lot_recalls (lot_id);

-- Who holds a child lot made by splitting: the holder that split it.
CREATE TABLE lot_splits (
    child_lot_id TEXT PRIMARY KEY REFERENCES lots (id),
    parent_lot_id TEXT NOT NULL REFERENCES lots (id),
    holder_id TEXT NOT NULL REFERENCES organisations (id),
    recorded_by TEXT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX lot_splits_by_parent ON lot_splits (parent_lot_id, holder_id);

CREATE TABLE receipts (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    seller_id TEXT NOT NULL REFERENCES organisations (id),
    issued_at TIMESTAMP NOT NULL,
    recorded_by TEXT REFERENCES users (id)
);
CREATE INDEX receipts_by_seller ON receipts (seller_id, issued_at);

CREATE TABLE receipt_lines (
    receipt_id TEXT NOT NULL REFERENCES receipts (id),
    lot_id TEXT NOT NULL REFERENCES lots (id),
    weight_g BIGINT NOT NULL CHECK (weight_g > 0),
    price_fen BIGINT NOT NULL CHECK (price_fen >= 0),
    PRIMARY KEY (receipt_id, lot_id)
);
CREATE INDEX receipt_lines_by_lot ON receipt_lines (lot_id);

CREATE TABLE sold_out_marks (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    lot_id TEXT NOT NULL REFERENCES lots (id),
    day DATE NOT NULL,
    marked_by TEXT REFERENCES users (id),
    marked_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, lot_id, day)
);
