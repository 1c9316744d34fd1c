//! HTTP handler of audit verification.

use actix_web::{get, web};

use super::verify::{verify_and_checkpoint, VerifyReport};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::policy::{Action, Actor};
use crate::state::AppState;

/// Verify the audit trail (admin and regulators): the chain, its tip, the last checkpoint, and every
/// audited row. Names the first broken entry. A sound trail leaves a new checkpoint.
#[utoipa::path(
    tag = "audit",
    responses((status = 200, body = VerifyReport), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/audit/verify")]
pub async fn verify_trail(
    state: web::Data<AppState>,
    actor: Actor,
) -> AppResult<Json<VerifyReport>> {
    actor.authorize(Action::VerifyAudit)?;
    // It reads every entry and audited row: allowed far longer than one call, but not for ever.
    let limit = state.db.deadline() * 30;
    let report = state.db.long(limit, verify_and_checkpoint).await?;
    Ok(Json(report))
}
