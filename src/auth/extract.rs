//! The logged-in caller as an extractor. A handler that takes an [`Actor`] argument requires a valid bearer
//! token of an enabled user whose session epoch matches the token; the user's row is read on every request,
//! so disabling a user or resetting their password takes effect at their next request.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use crate::error::{AppError, AppResult};
use crate::policy::Actor;
use crate::refusal::{Code, Refusal};
use crate::state::AppState;

/// An actor that may still have to change a generated password: only for the password change and `me`.
pub struct PendingActor(pub Actor);

fn bearer(req: &HttpRequest) -> Result<String, Refusal> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or(Refusal::of(Code::Unauthenticated))?;
    let value = header.to_str().unwrap_or_default();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(Refusal::of(Code::InvalidToken)
            .with("reason", "Authorization 头须为 Bearer 令牌")
            .with(
                "reason_en",
                "the Authorization header must be a Bearer token",
            ));
    }
    Ok(token.trim().to_string())
}

async fn authenticate(req: HttpRequest, allow_pending: bool) -> AppResult<Actor> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?;
    let token = bearer(&req)?;
    super::usecases::caller(&state, &token, allow_pending).await
}

impl FromRequest for Actor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Actor, AppError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone(), false))
    }
}

impl FromRequest for PendingActor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<PendingActor, AppError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req, true).await.map(PendingActor) })
    }
}
