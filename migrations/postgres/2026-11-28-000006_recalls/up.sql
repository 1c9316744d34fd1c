-- Recalls of a lot, a batch or an animal certificate (issue 6 point 6): the recall, the lots it marked (a
-- `recall_id` on `lot_recalls`; older rows have none and always stand), one notice per holder and lot with
-- the weight to pull, holders' acknowledgements and reports, and the withdrawal of a recall made in error.
-- All evidence: inserted, never updated or deleted.

CREATE TABLE recalls (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('lot', 'batch', 'animal_certificate')),
    scope_id TEXT NOT NULL,
    slaughterhouse_id TEXT NOT NULL REFERENCES organisations (id),
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    recalled_by TEXT REFERENCES users (id),
    recalled_at TIMESTAMP NOT NULL
);
CREATE INDEX recalls_by_house ON recalls (slaughterhouse_id, recalled_at);

ALTER TABLE lot_recalls ADD COLUMN recall_id TEXT REFERENCES recalls (id);
CREATE INDEX lot_recalls_by_recall ON lot_recalls (recall_id);

CREATE TABLE recall_notices (
    id TEXT PRIMARY KEY,
    recall_id TEXT NOT NULL REFERENCES recalls (id),
    holder_id TEXT NOT NULL REFERENCES organisations (id),
    lot_id TEXT NOT NULL REFERENCES lots (id),
    weight_to_pull_g BIGINT NOT NULL CHECK (weight_to_pull_g >= 0),
    notified_at TIMESTAMP NOT NULL,
    UNIQUE (recall_id, holder_id, lot_id)
);
CREATE INDEX recall_notices_by_holder ON recall_notices (holder_id, notified_at);

CREATE TABLE recall_responses (
    id TEXT PRIMARY KEY,
    notice_id TEXT NOT NULL REFERENCES recall_notices (id),
    kind TEXT NOT NULL CHECK (kind IN ('acknowledged', 'report')),
    pulled_g BIGINT NOT NULL CHECK (pulled_g >= 0),
    disposed_g BIGINT NOT NULL CHECK (disposed_g >= 0),
    disposal_id TEXT REFERENCES disposals (id),
    note TEXT,
    responded_by TEXT REFERENCES users (id),
    responded_at TIMESTAMP NOT NULL
);
CREATE INDEX recall_responses_by_notice ON recall_responses (notice_id, responded_at);
CREATE UNIQUE INDEX recall_responses_one_acknowledgement ON recall_responses (notice_id)
    WHERE kind = 'acknowledged';

CREATE TABLE recall_withdrawals (
    recall_id TEXT PRIMARY KEY REFERENCES recalls (id),
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    withdrawn_by TEXT REFERENCES users (id),
    withdrawn_at TIMESTAMP NOT NULL
);
