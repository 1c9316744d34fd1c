//! What can be done with harmless disposals (无害化处理): record one at the caller's slaughterhouse, under
//! the supervision of an official vet stationed there.

use chrono::{DateTime, FixedOffset, SubsecRound};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{Disposal, DisposalMethod, DisposalReason, DisposalTarget};
use super::queries;
use crate::error::AppResult;
use crate::idempotency::{self, Answer, Bound};
use crate::policy::{Action, Actor};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;
use crate::validate::{invalid_field, text};

/// Record a harmless disposal.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDisposal {
    /// What: `failed_heads` (of a batch), `batch`, or `lot`.
    pub target: DisposalTarget,
    /// The batch (for `failed_heads` and `batch`).
    pub batch_id: Option<uuid::Uuid>,
    /// The lot (for `lot`).
    pub lot_id: Option<uuid::Uuid>,
    /// Why.
    pub reason: DisposalReason,
    /// How: incineration 焚烧, rendering 化制, high_temperature 高温, deep_burial 深埋, chemical 化学,
    /// fermentation 发酵.
    pub method: DisposalMethod,
    /// Weight, grams.
    pub weight_g: i64,
    /// Heads (0 for a lot of meat).
    #[serde(default)]
    pub heads: i32,
    /// Who handled it.
    pub handler: String,
    /// The supervising official vet (user id), stationed at this slaughterhouse.
    pub supervising_vet_id: uuid::Uuid,
    /// Outsourced to a disposal plant?
    #[serde(default)]
    pub outsourced: bool,
    /// Handover slip number (required when outsourced).
    pub handover_slip: Option<String>,
    /// When, with offset (default: now).
    #[schema(value_type = Option<String>)]
    pub disposed_at: Option<DateTime<FixedOffset>>,
}

/// A target's id that is missing.
fn missing(field: &str) -> Refusal {
    invalid_field(
        field,
        field,
        "此处理对象须填写".to_string(),
        "is required for this target".to_string(),
    )
    .at(field)
}

/// Record a harmless disposal at the caller's slaughterhouse (audited; once per idempotency key); the
/// public verification answers forget what they cached.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    key: Option<Bound>,
    b: NewDisposal,
) -> AppResult<Answer<Disposal>> {
    actor.authorize(Action::RecordSlaughter)?;
    if b.weight_g < 0 || b.heads < 0 {
        return Err(Refusal::of(Code::InvalidQuantity)
            .with("what", "重量和头数")
            .with("what_en", "weight and heads")
            .at(if b.weight_g < 0 { "weight_g" } else { "heads" })
            .into());
    }
    let handler = text(&b.handler, "handler", "处理人")?;
    let slip = b
        .handover_slip
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let now = crate::time::now();
    let disposed_at = b
        .disposed_at
        .map(|t| t.naive_utc().trunc_subsecs(6))
        .unwrap_or(now);
    let (batch_id, lot_id) = match b.target {
        DisposalTarget::Lot => (
            None,
            Some(b.lot_id.ok_or_else(|| missing("lot_id"))?.to_string()),
        ),
        _ => (
            Some(b.batch_id.ok_or_else(|| missing("batch_id"))?.to_string()),
            None,
        ),
    };
    let actor_id = actor.user_id.clone();
    let org_id = actor.org_id.clone();
    let out: Answer<Disposal> = state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let batch_id = match (&batch_id, &lot_id) {
                    (None, Some(l)) => queries::batch_of_lot(conn, l)?,
                    _ => batch_id,
                };
                queries::create(
                    conn,
                    &actor_id,
                    Disposal {
                        id: uuid::Uuid::new_v4().to_string(),
                        org_id,
                        target: b.target,
                        batch_id,
                        lot_id,
                        reason: b.reason,
                        method: b.method,
                        weight_g: b.weight_g,
                        heads: b.heads,
                        handler,
                        supervising_vet_id: Some(b.supervising_vet_id.to_string()),
                        outsourced: b.outsourced,
                        handover_slip: slip,
                        disposed_at,
                        recorded_by: Some(actor_id.clone()),
                        recorded_at: now,
                    },
                )
            })
        })
        .await?;
    if out.is_fresh() {
        state.verify_cache.invalidate_all();
    }
    Ok(out)
}
