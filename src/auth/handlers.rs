//! Login, password change, and who-am-I.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::PendingActor;
use super::{password, throttle};
use crate::app::AppState;
use crate::error::{AppError, AppResult, Problem};
use crate::policy::Role;
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

/// Log in with username and password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "wrong username or password, or account disabled", body = Problem),
        (status = 429, description = "too many failed logins; see Retry-After", body = Problem),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let client = throttle::client_address(&req, &state.auth.settings.trusted_proxies);
    let account = body.username.trim().to_lowercase();
    if let Some(wait) = state.auth.throttle.blocked(&account, &client) {
        return Err(AppError::too_many(
            "too_many_login_attempts",
            wait,
            format!("登录失败次数过多，请 {wait} 秒后再试"),
            format!("too many failed logins; try again in {wait} s"),
        ));
    }
    let user = state
        .db
        .read(move |conn| {
            let user = queries::find_by_username(conn, &body.username)?;
            let hash = user
                .as_ref()
                .map(|u| u.password_hash.as_str())
                .unwrap_or(password::dummy_hash());
            let ok = password::verify(&body.password, hash);
            Ok(user.filter(|_| ok))
        })
        .await?;
    let Some(user) = user else {
        state.auth.throttle.failed(&account, &client);
        return Err(AppError::unauthenticated(
            "invalid_credentials",
            "用户名或密码错误",
            "wrong username or password",
        ));
    };
    if user.disabled {
        return Err(AppError::unauthenticated(
            "account_disabled",
            "该账户已被停用",
            "this account has been disabled",
        ));
    }
    state.auth.throttle.succeeded(&account);
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

/// Change your own password. Every token issued before stops working; the answer carries a new one.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = Problem),
        (status = 422, description = "current password wrong, or new one too weak", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    actor: PendingActor,
    body: web::Json<ChangePasswordRequest>,
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
    let user = state
        .db
        .write(move |conn| {
            let user = queries::find(conn, &actor.user_id)?
                .ok_or_else(|| AppError::not_found("用户", "user"))?;
            if !password::verify(&body.current_password, &user.password_hash) {
                return Err(AppError::unprocessable(
                    "wrong_password",
                    "当前密码不正确",
                    "the current password is wrong",
                ));
            }
            queries::set_password(
                conn,
                Some(&actor.user_id),
                &actor.user_id,
                &body.new_password,
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
pub async fn me(actor: PendingActor) -> AppResult<web::Json<Me>> {
    let a = actor.0;
    Ok(web::Json(Me {
        user_id: a.user_id,
        username: a.username,
        role: a.role,
        org_id: a.org_id,
        district: a.district,
        assigned_slaughterhouses: a.assigned_slaughterhouses,
    }))
}
