//! Administrators see and clear the login throttles (`throttle.rs`): which account-and-address pairs and
//! which addresses have failures counted and how long each must still wait. Clearing is an admin action
//! recorded in the audit trail (action `clear_login_throttle`, entity `login_throttle`), e.g. for the staff
//! of an office behind one address who mistyped too often.

use actix_web::{get, post, web};

use super::usecases::{self, ClearThrottle, ThrottleCleared, Throttles};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::policy::Actor;
use crate::state::AppState;

/// List the login throttles (admin).
#[utoipa::path(
    tag = "auth",
    responses((status = 200, body = Throttles), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/auth/throttles")]
pub async fn list(state: web::Data<AppState>, actor: Actor) -> AppResult<Json<Throttles>> {
    Ok(Json(usecases::throttles(&state, &actor)?))
}

/// Clear login throttles (admin, audited): the account or address may try again at once.
#[utoipa::path(
    tag = "auth",
    request_body = ClearThrottle,
    responses(
        (status = 200, body = ThrottleCleared),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, description = "neither account nor a valid address given", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/auth/throttles/clear")]
pub async fn clear(
    state: web::Data<AppState>,
    actor: Actor,
    body: Json<ClearThrottle>,
) -> AppResult<Json<ThrottleCleared>> {
    Ok(Json(
        usecases::clear_throttles(&state, &actor, body.into_inner()).await?,
    ))
}
