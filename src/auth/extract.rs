//! The logged-in caller as an extractor. A handler that takes an [`Actor`] argument requires a valid bearer
//! token of an enabled user whose session epoch matches the token; the user's row is read on every request,
//! so disabling a user or resetting their password takes effect at their next request.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use crate::error::{AppError, AppResult};
use crate::policy::{Actor, Role};
use crate::state::AppState;
use crate::users::queries;

/// An actor that may still have to change a generated password: only for the password change and `me`.
pub struct PendingActor(pub Actor);

fn bearer(req: &HttpRequest) -> AppResult<String> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| {
            AppError::unauthenticated(
                "unauthenticated",
                "请先登录（缺少 Authorization: Bearer 令牌）",
                "log in first (no Authorization: Bearer token)",
            )
        })?;
    let value = header.to_str().unwrap_or_default();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AppError::unauthenticated(
            "invalid_token",
            "Authorization 头须为 Bearer 令牌",
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
    let claims = state.auth.tokens.check(&token)?;
    let (user, org, assigned) = state
        .db
        .read(move |conn| {
            let Some((user, org)) = queries::find_with_org(conn, &claims.sub)? else {
                return Ok(None);
            };
            if user.session_epoch != claims.epoch {
                return Ok(None);
            }
            let assigned = if user.role == Role::OfficialVet {
                queries::active_assignments(conn, &user.id)?
            } else {
                Vec::new()
            };
            Ok(Some((user, org, assigned)))
        })
        .await?
        .ok_or_else(|| {
            AppError::unauthenticated(
                "invalid_token",
                "登录凭证已失效（密码已更改或账户不存在），请重新登录",
                "the token is no longer valid (password changed or account gone); log in again",
            )
        })?;
    if user.disabled {
        return Err(AppError::unauthenticated(
            "account_disabled",
            "该账户已被停用",
            "this account has been disabled",
        ));
    }
    if user.must_change_password && !allow_pending {
        return Err(AppError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "password_change_required",
            "请先修改初始密码（POST /api/v1/auth/password）",
            "choose a new password first (POST /api/v1/auth/password)",
        ));
    }
    Ok(Actor {
        user_id: user.id,
        username: user.username,
        role: user.role,
        org_id: org.id,
        district: org.district,
        assigned_slaughterhouses: assigned,
    })
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
