//! Login, password change, and who-am-I. Passwords are checked outside any database checkout: the row is
//! read, the connection given back, then the check runs on the bounded password checks (`checks.rs`).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::PendingActor;
use super::{password, throttle};
use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::policy::Role;
use crate::state::AppState;
use crate::users::queries;

/// Login request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A bearer token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// The token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until it expires.
    pub expires_in: u64,
    /// True when the password was generated and must be changed before anything else.
    pub must_change_password: bool,
}

/// 429 for an account-and-address pair or an address that must wait.
fn too_many_logins(wait: u64) -> AppError {
    AppError::too_many(
        "too_many_login_attempts",
        wait,
        format!("登录失败次数过多，请 {wait} 秒后再试"),
        format!("too many failed logins; try again in {wait} s"),
    )
}

/// Log in with username and password. Failures slow down the account-and-address pair (1 s, 2 s, 4 s, ...
/// after the first few) and an address that tries many accounts; no account is ever locked.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "wrong username or password, or account disabled", body = Problem),
        (status = 429, description = "too many failed logins from this address; see Retry-After", body = Problem),
        (status = 503, description = "too many password checks at once (`password_checks_busy`); see Retry-After", body = Problem),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let client = throttle::client_address(&req, &state.auth.settings.trusted_proxies);
    let attempt = state
        .auth
        .throttle
        .begin(&body.username, &client)
        .map_err(too_many_logins)?;
    // Read the account and give the connection back before the (slow) password check. No account name holds
    // a control character (PostgreSQL would refuse a NUL outright): such a name is simply unknown.
    let username = body.username.clone();
    let user = if username.chars().any(char::is_control) {
        None
    } else {
        state
            .db
            .read(move |conn| Ok(queries::find_by_username(conn, &username)?))
            .await?
    };
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let ok = state.auth.passwords.verify(body.password, stored).await?;
    let user = match user {
        Some(user) if ok => user,
        _ => {
            attempt.failed();
            return Err(AppError::unauthenticated(
                "invalid_credentials",
                "用户名或密码错误",
                "wrong username or password",
            ));
        }
    };
    if user.disabled {
        attempt.failed();
        return Err(AppError::unauthenticated(
            "account_disabled",
            "该账户已被停用",
            "this account has been disabled",
        ));
    }
    attempt.succeeded();
    let token = state.auth.tokens.issue(&user.id, user.session_epoch)?;
    tracing::info!(user_id = %user.id, "login");
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: state.auth.tokens.ttl_secs,
        must_change_password: user.must_change_password,
    }))
}

/// Change one's own password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password now.
    pub current_password: String,
    /// The new password: 10 to 128 characters of at least two kinds.
    pub new_password: String,
}

/// Change your own password. Every token issued before stops working; the answer carries a new one. Wrong
/// current passwords are throttled like failed logins, so a stolen token cannot be used to guess the
/// password.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = Problem),
        (status = 409, description = "the password was changed or reset meanwhile", body = Problem),
        (status = 422, description = "current password wrong, or new one too weak", body = Problem),
        (status = 429, description = "too many wrong passwords from this address; see Retry-After", body = Problem),
        (status = 503, description = "too many password checks at once; see Retry-After", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/auth/password")]
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: PendingActor,
    body: Json<ChangePasswordRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    password::check_new(&body.new_password)?;
    if body.new_password == body.current_password {
        return Err(AppError::unprocessable(
            "password_unchanged",
            "新密码不能与当前密码相同",
            "the new password must differ from the current one",
        ));
    }
    let actor = actor.0;
    let client = throttle::client_address(&req, &state.auth.settings.trusted_proxies);
    let attempt = state
        .auth
        .throttle
        .begin(&actor.username, &client)
        .map_err(too_many_logins)?;
    let id = actor.user_id.clone();
    let checked = state
        .db
        .read(move |conn| {
            queries::find(conn, &id)?
                .map(|u| u.password_hash)
                .ok_or_else(|| AppError::not_found("用户", "user"))
        })
        .await?;
    let ok = state
        .auth
        .passwords
        .verify(body.current_password, Some(checked.clone()))
        .await?;
    if !ok {
        attempt.failed();
        return Err(AppError::unprocessable(
            "wrong_password",
            "当前密码不正确",
            "the current password is wrong",
        ));
    }
    attempt.succeeded();
    let new_hash = state.auth.passwords.hash(body.new_password).await?;
    let user = state
        .db
        .write(move |conn| {
            // The password checked must still be the one in force (no reset or other change since).
            let now = queries::find(conn, &actor.user_id)?
                .ok_or_else(|| AppError::not_found("用户", "user"))?;
            if now.password_hash != checked {
                return Err(AppError::conflict(
                    "password_changed_meanwhile",
                    "密码刚被更改或重置，请重新登录后再试",
                    "the password was changed or reset meanwhile; log in again",
                ));
            }
            queries::set_password(
                conn,
                Some(&actor.user_id),
                &actor.user_id,
                &new_hash,
                false,
                "change_password",
            )
        })
        .await?;
    let token = state.auth.tokens.issue(&user.id, user.session_epoch)?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: state.auth.tokens.ttl_secs,
        must_change_password: false,
    }))
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// User id.
    pub user_id: String,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Organisation id.
    pub org_id: String,
    /// Organisation's district (absent: city level).
    pub district: Option<crate::organisations::model::District>,
    /// For an official vet: the slaughterhouses assigned now.
    pub assigned_slaughterhouses: Vec<String>,
}

/// Who am I?
#[utoipa::path(tag = "auth", responses((status = 200, body = Me), (status = 401, body = Problem)), security(("bearer" = [])))]
#[get("/me")]
pub async fn me(actor: PendingActor) -> AppResult<Json<Me>> {
    let a = actor.0;
    Ok(Json(Me {
        user_id: a.user_id,
        username: a.username,
        role: a.role,
        org_id: a.org_id,
        district: a.district,
        assigned_slaughterhouses: a.assigned_slaughterhouses,
    }))
}
