//! Login, password change, and who-am-I: each extracts the request, calls one use case (`usecases.rs`) and
//! renders its answer.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::client::client_address;
use super::extract::PendingActor;
use super::usecases::{self, ChangePasswordRequest, LoginRequest, TokenResponse};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::policy::Role;
use crate::state::AppState;

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
    let client = client_address(&req, &state.auth.settings.trusted_proxies);
    let token = usecases::login(&state, &client, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(token))
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
    let client = client_address(&req, &state.auth.settings.trusted_proxies);
    let token = usecases::change_password(&state, &actor.0, &client, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(token))
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
