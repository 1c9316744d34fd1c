-- Idempotency keys (issue 11 point 4): a create sent with an `Idempotency-Key` header is recorded once per
-- (scope, key); a repeat answers what the first one answered. `scope` is the caller's user id, or
-- 'anonymous' for public filings; the key itself is not kept, only its SHA-256 (hex). `fingerprint` is the
-- SHA-256 (hex) of the canonical request, so the same key with other content is refused. `answer` is the
-- JSON answer, or for answers that carry a secret (a complaint's access code) that JSON sealed with a key
-- the database never holds. Not evidence and not audited: bookkeeping of the write it belongs to,
-- committed in the same transaction. Kept for good (see docs/architecture.md, "Idempotency").

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key_hash TEXT NOT NULL CHECK (length(key_hash) = 64),
    operation TEXT NOT NULL,
    fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 64),
    answer TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, key_hash)
);
