//! The `Idempotency-Key` header: checked once by the extractor, then bound to a scope, an operation and a
//! fingerprint of the request.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::AppResult;
use crate::policy::Actor;
use crate::refusal::{Code, Refusal};

/// Longest key accepted, in characters.
pub const MAX_KEY_LEN: usize = 200;

/// Shortest key accepted in the shared [`ANONYMOUS`] scope: everyone filing without an account shares it,
/// so a key there must be unguessable (a UUID is 36 characters).
pub const MIN_ANONYMOUS_KEY_LEN: usize = 16;

/// The scope of requests made without an account (public complaint filings).
pub const ANONYMOUS: &str = "anonymous";

/// The `Idempotency-Key` header of a request: absent, or 1 to 200 visible characters (surrounding spaces
/// are dropped). Anything else is refused before the handler runs: 400 `invalid_idempotency_key`.
#[derive(Debug, Clone, Default)]
pub struct IdempotencyKey(pub(super) Option<String>);

fn invalid() -> Refusal {
    Refusal::of(Code::InvalidIdempotencyKey)
        .with(
            "reason",
            format!("须为 1 至 {MAX_KEY_LEN} 个可见字符，且只能有一个"),
        )
        .with(
            "reason_en",
            format!("it must be one header of 1 to {MAX_KEY_LEN} visible characters"),
        )
}

/// A trimmed, non-empty key: at most [`MAX_KEY_LEN`] visible ASCII characters (spaces allowed inside).
fn checked(key: &str) -> Result<IdempotencyKey, Refusal> {
    if key.len() > MAX_KEY_LEN || !key.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        return Err(invalid());
    }
    Ok(IdempotencyKey(Some(key.to_string())))
}

impl IdempotencyKey {
    /// Parse the header's values (absent is fine; more than one, empty, too long or not visible ASCII is
    /// not).
    pub fn from_header_values<'a>(
        mut values: impl Iterator<Item = &'a [u8]>,
    ) -> Result<IdempotencyKey, Refusal> {
        let Some(value) = values.next() else {
            return Ok(IdempotencyKey(None));
        };
        if values.next().is_some() {
            return Err(invalid());
        }
        let key = std::str::from_utf8(value).map_err(|_| invalid())?.trim();
        if key.is_empty() {
            return Err(invalid());
        }
        checked(key)
    }

    /// A key given by a form field rather than the header (the public complaint page): the same rules.
    pub fn from_field(value: Option<&str>) -> Result<IdempotencyKey, Refusal> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(IdempotencyKey(None)),
            Some(k) => checked(k),
        }
    }

    /// Was a key sent?
    pub fn is_some(&self) -> bool {
        self.0.is_some()
    }

    /// The key as sent (trimmed).
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// Bind the key to the caller (its user id is the scope), the operation (e.g. `"shipment.create"`)
    /// and the request: everything the write depends on besides the caller (path ids and the body).
    pub fn bind(
        self,
        actor: &Actor,
        operation: &'static str,
        request: &impl Serialize,
    ) -> Option<Bound> {
        let scope = actor.user_id.clone();
        self.0
            .map(|key| Bound::new(scope, operation, &key, request))
    }

    /// Bind the key of a request made without an account (the shared [`ANONYMOUS`] scope): it must be at
    /// least [`MIN_ANONYMOUS_KEY_LEN`] characters long, else 400 `invalid_idempotency_key`.
    pub fn bind_anonymous(
        self,
        operation: &'static str,
        request: &impl Serialize,
    ) -> AppResult<Option<Bound>> {
        match self.0 {
            None => Ok(None),
            Some(key) if key.chars().count() < MIN_ANONYMOUS_KEY_LEN => Err(Refusal::of(
                Code::InvalidIdempotencyKey,
            )
            .with(
                "reason",
                format!("无需登录的请求须至少 {MIN_ANONYMOUS_KEY_LEN} 个字符（建议使用 UUID）"),
            )
            .with(
                "reason_en",
                format!("without an account it must be at least {MIN_ANONYMOUS_KEY_LEN} characters (use a UUID)"),
            )
            .into()),
            Some(key) => Ok(Some(Bound::new(ANONYMOUS.to_string(), operation, &key, request))),
        }
    }
}

/// A key bound to its scope, operation and request: what [`super::once`] looks up and stores.
#[derive(Clone)]
pub struct Bound {
    /// The caller's user id, or [`ANONYMOUS`].
    pub scope: String,
    /// The operation, e.g. `"receipt.issue"`.
    pub operation: &'static str,
    /// SHA-256 (hex) of the key.
    pub key_hash: String,
    /// SHA-256 (hex) of the canonical request (its JSON form).
    pub fingerprint: String,
    /// When the answer carries a secret: the key it is sealed with (derived from the server's secret and the
    /// key, neither of which the database holds).
    pub(super) seal: Option<[u8; 32]>,
    key: String,
}

impl std::fmt::Debug for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bound")
            .field("scope", &self.scope)
            .field("operation", &self.operation)
            .field("key_hash", &self.key_hash)
            .finish_non_exhaustive()
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Bound {
    fn new(scope: String, operation: &'static str, key: &str, request: &impl Serialize) -> Bound {
        // A request that cannot be serialised (it always can: plain request structs) fingerprints as empty,
        // which still tells content apart from any real request.
        let canonical = serde_json::to_vec(request).unwrap_or_default();
        Bound {
            scope,
            operation,
            key_hash: sha256_hex(key.as_bytes()),
            fingerprint: sha256_hex(&canonical),
            seal: None,
            key: key.to_string(),
        }
    }

    /// Seal the stored answer (it carries a secret) with a key derived from `server_secret` and the
    /// idempotency key.
    pub fn sealed(mut self, server_secret: &[u8; 32]) -> Bound {
        self.seal = Some(super::seal::derive(
            server_secret,
            &[
                self.scope.as_bytes(),
                self.operation.as_bytes(),
                self.key.as_bytes(),
            ],
        ));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    fn parse(values: &[&str]) -> AppResult<IdempotencyKey> {
        IdempotencyKey::from_header_values(values.iter().map(|v| v.as_bytes()))
            .map_err(AppError::from)
    }

    #[test]
    fn the_header_is_checked_once() {
        assert!(!parse(&[]).unwrap().is_some());
        assert_eq!(parse(&[" k-1 "]).unwrap().0.as_deref(), Some("k-1"));
        assert!(parse(&[&"x".repeat(200)]).is_ok());
        for bad in ["", "   ", &"x".repeat(201)] {
            assert_eq!(
                parse(&[bad]).unwrap_err().code(),
                "invalid_idempotency_key",
                "{bad:?}"
            );
        }
        assert_eq!(
            parse(&["a", "b"]).unwrap_err().code(),
            "invalid_idempotency_key"
        );
        assert!(IdempotencyKey::from_field(Some("tab\there")).is_err());
        assert!(IdempotencyKey::from_field(Some("")).unwrap().0.is_none());
    }

    #[test]
    fn the_fingerprint_follows_the_content_and_the_key_is_not_kept_in_clear() {
        let a = Bound::new("u".into(), "op", "key-1", &serde_json::json!({"w": 1}));
        let b = Bound::new("u".into(), "op", "key-1", &serde_json::json!({"w": 1}));
        let c = Bound::new("u".into(), "op", "key-1", &serde_json::json!({"w": 2}));
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_ne!(a.fingerprint, c.fingerprint);
        assert_eq!(a.key_hash.len(), 64);
        assert!(!format!("{a:?}").contains("key-1"));
    }

    #[test]
    fn anonymous_keys_must_be_long() {
        let short = IdempotencyKey(Some("short-key".into()));
        assert!(short.bind_anonymous("op", &1).is_err());
        let uuid = IdempotencyKey(Some(uuid::Uuid::new_v4().to_string()));
        let bound = uuid.bind_anonymous("op", &1).unwrap().unwrap();
        assert_eq!(bound.scope, ANONYMOUS);
    }
}
