//! Repeat-safe creates (`Idempotency-Key`, issue 11 point 4). A client that loses the answer to a create
//! sends it again with the same key; the record is made once and the repeat answers what the first one
//! answered (200 instead of 201). The same key with other content is refused (409
//! `idempotency_key_reused`), a malformed key too (400 `invalid_idempotency_key`).
//!
//! - [`IdempotencyKey`] is the extractor: the header, checked once.
//! - [`IdempotencyKey::bind`] ties it to the caller (the scope: the user id, or [`ANONYMOUS`] for public
//!   filings), the operation and a fingerprint of the request: a [`Bound`] key.
//! - [`once`] runs inside the write transaction: the stored answer if the key is known, else the write and
//!   the key with its answer, committed together. The key row is claimed before the write, so on
//!   PostgreSQL a concurrent twin waits on it and then answers with what the first one stored.
//!
//! Keys are kept for good: a row is about 200 bytes plus the answer, and a client may retry after days
//! offline. The key itself is never stored, only its SHA-256; answers that carry a secret are sealed
//! ([`seal`]).

mod extract;
mod key;
pub mod seal;
mod store;

pub use key::{Bound, IdempotencyKey, ANONYMOUS, MAX_KEY_LEN, MIN_ANONYMOUS_KEY_LEN};
pub use store::{once, Answer};

/// The `Idempotency-Key` header as a documented parameter: `params(crate::idempotency::KeyHeader)` in an
/// operation's `#[utoipa::path]`. (Never extracted from this struct: [`IdempotencyKey`] does that.)
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct KeyHeader {
    /// Repeat-safe key: send the same create again with the same key (after a lost answer) and it is
    /// recorded once; the repeat answers 200 with what the first one answered. 1 to 200 visible characters
    /// (a UUID is best; without an account at least 16); a key is bound to the caller and the request's
    /// content, and other content under the same key is refused (409 `idempotency_key_reused`).
    #[param(rename = "Idempotency-Key")]
    pub idempotency_key: Option<String>,
}
