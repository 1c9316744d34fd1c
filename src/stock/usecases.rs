//! What a holder does with its stock: split a lot into child lots with their own codes, dispose of its own
//! quantity, mark a lot sold out for the day. The JSON API and the pages call these.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::SoldOutMark;
use super::queries as stock;
use crate::disposals::model::{Disposal, DisposalMethod, DisposalReason};
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Answer};
use crate::input::{checked_total, Grams};
use crate::lots::model::{Lot, LotView};
use crate::policy::{Action, Actor};
use crate::refusal::{Code, Refusal};
use crate::schema::{lot_splits, lots, sold_out_marks};
use crate::state::AppState;
use crate::validate::text;

/// One child lot.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildRequest {
    /// Weight, grams.
    pub weight_g: i64,
    /// Product name (default: the parent's).
    pub product_name: Option<String>,
}

/// Split a held lot.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitRequest {
    /// The child lots (1 to 200).
    pub children: Vec<ChildRequest>,
}

/// Dispose of what the caller holds of a lot.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolderDisposal {
    /// Weight, grams.
    pub weight_g: i64,
    /// Why: `recall` or `spoilage` (or another reason).
    pub reason: DisposalReason,
    /// How.
    pub method: DisposalMethod,
    /// Who handled it.
    pub handler: String,
    /// Handover slip, when handed to a disposal plant.
    pub handover_slip: Option<String>,
}

/// Splits what the caller holds of lot `id` into child lots (vendor); `key` is the bound Idempotency-Key.
pub async fn split(
    state: &AppState,
    actor: &Actor,
    id: String,
    key: Option<idempotency::Bound>,
    b: SplitRequest,
) -> AppResult<Answer<Vec<LotView>>> {
    actor.authorize(Action::KeepStock)?;
    let actor = actor.clone();
    if b.children.is_empty()
        || b.children.len() > 200
        || b.children.iter().any(|c| Grams::new(c.weight_g).is_err())
    {
        return Err(Refusal::of(Code::InvalidChildren).at("children").into());
    }
    let mut children = Vec::new();
    for c in b.children {
        let name = match c.product_name {
            Some(n) => Some(text(&n, "product_name", "产品名称")?),
            None => None,
        };
        children.push((c.weight_g, name));
    }
    let org = actor.org_id.clone();
    let rules = state.rules.clone();
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                stock::lock_lot(conn, &id)?;
                let parent = crate::lots::queries::find(conn, &id)?;
                if !stock::involved(conn, &org, &parent)? {
                    return Err(AppError::not_found("批次产品", "lot"));
                }
                stock::refuse_unless_active(conn, &parent)?;
                let held = stock::holding(conn, &org, &parent)?;
                let total = checked_total(children.iter().map(|c| c.0))
                    .ok_or_else(|| Refusal::of(Code::InvalidChildren).at("children"))?;
                stock::refuse_over(
                    held,
                    total,
                    crate::refusal::Code::ExceedsHolding,
                    &parent.trace_code,
                )?;
                let now = crate::time::now();
                let mut made = Vec::new();
                for (weight_g, name) in children {
                    let child = Lot {
                        id: uuid::Uuid::new_v4().to_string(),
                        trace_code: crate::lots::queries::fresh_code(conn)?,
                        batch_id: parent.batch_id.clone(),
                        slaughterhouse_id: parent.slaughterhouse_id.clone(),
                        product_kind: parent.product_kind,
                        product_name: name.unwrap_or_else(|| parent.product_name.clone()),
                        weight_g,
                        halal: parent.halal,
                        storage: parent.storage,
                        use_by: parent.use_by,
                        gtin: None,
                        product_certificate_id: parent.product_certificate_id.clone(),
                        inspection_certificate_id: parent.inspection_certificate_id.clone(),
                        parent_lot_id: Some(parent.id.clone()),
                        recorded_by: Some(actor.user_id.clone()),
                        created_at: now,
                    };
                    let child: Lot = diesel::insert_into(lots::table)
                        .values(&child)
                        .returning(lots::all_columns)
                        .get_result(conn)?;
                    diesel::insert_into(lot_splits::table)
                        .values((
                            lot_splits::child_lot_id.eq(&child.id),
                            lot_splits::parent_lot_id.eq(&parent.id),
                            lot_splits::holder_id.eq(&org),
                            lot_splits::recorded_by.eq(&actor.user_id),
                            lot_splits::recorded_at.eq(now),
                        ))
                        .execute(conn)?;
                    crate::audit::record(conn, Some(&actor.user_id), "split", &child)?;
                    made.push(child);
                }
                crate::lots::usecases::views(conn, made, &rules)
            })
        })
        .await
}

/// Records the disposal of the caller's own quantity of lot `id`; `key` is the bound Idempotency-Key.
pub async fn dispose_held(
    state: &AppState,
    actor: &Actor,
    id: String,
    key: Option<idempotency::Bound>,
    b: HolderDisposal,
) -> AppResult<Answer<Disposal>> {
    actor.authorize(Action::KeepStock)?;
    let actor = actor.clone();
    if Grams::new(b.weight_g).is_err() {
        return Err(Refusal::of(Code::InvalidWeight).at("weight_g").into());
    }
    let handler = text(&b.handler, "handler", "处理人")?;
    let slip = b
        .handover_slip
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let org = actor.org_id.clone();
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                stock::lock_lot(conn, &id)?;
                let lot = crate::lots::queries::find(conn, &id)?;
                if !stock::involved(conn, &org, &lot)? {
                    return Err(AppError::not_found("批次产品", "lot"));
                }
                let held = stock::holding(conn, &org, &lot)?;
                stock::refuse_over(
                    held,
                    b.weight_g,
                    crate::refusal::Code::ExceedsHolding,
                    &lot.trace_code,
                )?;
                stock::dispose_held(
                    conn,
                    &org,
                    &actor.user_id,
                    &lot,
                    stock::HeldDisposal {
                        weight_g: b.weight_g,
                        reason: b.reason,
                        method: b.method,
                        handler,
                        handover_slip: slip,
                    },
                )
            })
        })
        .await
}

/// Marks lot `id` sold out on today's stall board (vendor).
pub async fn sold_out(state: &AppState, actor: &Actor, id: String) -> AppResult<SoldOutMark> {
    let actor = actor.clone();
    actor.authorize(Action::KeepStock)?;
    let org = actor.org_id.clone();
    state
        .db
        .write(move |conn| {
            let lot = crate::lots::queries::find(conn, &id)?;
            if !stock::involved(conn, &org, &lot)? {
                return Err(AppError::not_found("批次产品", "lot"));
            }
            let day = crate::time::today_china();
            let done: i64 = sold_out_marks::table
                .filter(sold_out_marks::org_id.eq(&org))
                .filter(sold_out_marks::lot_id.eq(&lot.id))
                .filter(sold_out_marks::day.eq(day))
                .count()
                .get_result(conn)?;
            if done > 0 {
                return Err(Refusal::of(Code::AlreadySoldOut).into());
            }
            let m = SoldOutMark {
                id: uuid::Uuid::new_v4().to_string(),
                org_id: org,
                lot_id: lot.id,
                day,
                marked_by: Some(actor.user_id.clone()),
                marked_at: crate::time::now(),
            };
            let m: SoldOutMark = diesel::insert_into(sold_out_marks::table)
                .values(&m)
                .returning(sold_out_marks::all_columns)
                .get_result(conn)?;
            crate::audit::record(conn, Some(&actor.user_id), "sold_out", &m)?;
            Ok(m)
        })
        .await
}
