//! The `Idempotency-Key` header as an extractor: checked before the handler runs.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpRequest};

use super::IdempotencyKey;
use crate::error::AppError;

impl IdempotencyKey {
    /// The request's key: absent is fine; more than one, empty, too long or not visible ASCII is 400
    /// `invalid_idempotency_key`.
    pub fn parse(req: &HttpRequest) -> Result<IdempotencyKey, crate::refusal::Refusal> {
        IdempotencyKey::from_header_values(
            req.headers()
                .get_all("idempotency-key")
                .map(|v| v.as_bytes()),
        )
    }
}

impl FromRequest for IdempotencyKey {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::parse(req).map_err(AppError::from))
    }
}
