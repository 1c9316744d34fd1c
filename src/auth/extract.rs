//! The logged-in caller as an extractor, and the client's address. A handler that takes an [`Actor`] argument requires a valid bearer
//! token of an enabled user whose session epoch matches the token; the user's row is read on every request,
//! so disabling a user or resetting their password takes effect at their next request.

use std::future::Future;
use std::net::IpAddr;
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

/// The client address of a request, believing `X-Forwarded-For` only from trusted proxies.
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".to_string();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(&peer)
        .to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_header_only_from_trusted_proxy() {
        use actix_web::test::TestRequest;
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let req = TestRequest::default()
            .peer_addr("10.0.0.1:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "203.0.113.9, 10.0.0.1"))
            .to_http_request();
        assert_eq!(client_address(&req, &[proxy]), "203.0.113.9");
        assert_eq!(client_address(&req, &[]), "10.0.0.1");
        let direct = TestRequest::default()
            .peer_addr("198.51.100.7:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "203.0.113.9"))
            .to_http_request();
        assert_eq!(client_address(&direct, &[proxy]), "198.51.100.7");
    }
}
