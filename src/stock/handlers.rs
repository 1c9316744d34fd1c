//! HTTP handlers of what a holder does with its stock: split a lot into child lots with their own codes,
//! dispose of its own quantity, mark a lot sold out for the day.

use actix_web::{post, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::queries as stock;
use crate::body::Json;
use crate::disposals::model::{Disposal, DisposalMethod, DisposalReason};
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
use crate::lots::model::{Lot, LotView};
use crate::policy::{Action, Actor};
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

/// Split what the caller holds of a lot into child lots, each with its own trace code and QR label (vendor).
/// Children keep the parent's origin and certificates and never weigh more than what is held of it.
#[utoipa::path(
    tag = "circulation",
    params(("id" = uuid::Uuid, Path, description = "parent lot id"), crate::idempotency::KeyHeader),
    request_body = SplitRequest,
    responses(
        (status = 201, body = Vec<LotView>),
        (status = 200, description = "already split under this Idempotency-Key (the lots as they were then)", body = Vec<LotView>),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, description = "exceeds_holding, lot_recalled, lot_disposed", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/lots/{id}/splits")]
pub async fn split(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<SplitRequest>,
) -> AppResult<HttpResponse> {
    actor.authorize(Action::KeepStock)?;
    let key = key.bind(&actor, "lot_split.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    if b.children.is_empty() || b.children.len() > 200 || b.children.iter().any(|c| c.weight_g <= 0)
    {
        return Err(AppError::unprocessable(
            "invalid_children",
            "须分为 1 至 200 份，每份重量大于 0 克",
            "split into 1 to 200 children, each weighing more than 0 g",
        ));
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
    let out = state
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
                let total: i64 = children.iter().map(|c| c.0).sum();
                stock::refuse_over(held, total, "exceeds_holding", &parent.trace_code)?;
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
        .await?;
    Ok(out.respond())
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

/// Record the disposal of the caller's own quantity of a lot (a recall, spoilage): it reduces what it holds.
#[utoipa::path(
    tag = "circulation",
    params(("id" = uuid::Uuid, Path, description = "lot id"), crate::idempotency::KeyHeader),
    request_body = HolderDisposal,
    responses(
        (status = 201, body = Disposal),
        (status = 200, description = "already recorded under this Idempotency-Key", body = Disposal),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, description = "exceeds_holding", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/lots/{id}/holder-disposals")]
pub async fn dispose_held(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<HolderDisposal>,
) -> AppResult<HttpResponse> {
    actor.authorize(Action::KeepStock)?;
    let key = key.bind(&actor, "holder_disposal.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    if b.weight_g <= 0 {
        return Err(AppError::unprocessable(
            "invalid_weight",
            "重量须大于 0 克",
            "a weight must be more than 0 g",
        ));
    }
    let handler = text(&b.handler, "handler", "处理人")?;
    let slip = b
        .handover_slip
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let org = actor.org_id.clone();
    let out = state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                stock::lock_lot(conn, &id)?;
                let lot = crate::lots::queries::find(conn, &id)?;
                if !stock::involved(conn, &org, &lot)? {
                    return Err(AppError::not_found("批次产品", "lot"));
                }
                let held = stock::holding(conn, &org, &lot)?;
                stock::refuse_over(held, b.weight_g, "exceeds_holding", &lot.trace_code)?;
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
        .await?;
    Ok(out.respond())
}

pub use super::model::SoldOutMark;

/// Mark a lot sold out on today's stall board (vendor): it leaves today's board.
#[utoipa::path(
    tag = "circulation",
    params(("id" = uuid::Uuid, Path, description = "lot id")),
    responses((status = 201, body = SoldOutMark), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/lots/{id}/sold-out")]
pub async fn sold_out(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<HttpResponse> {
    actor.authorize(Action::KeepStock)?;
    let id = id.into_inner().to_string();
    let org = actor.org_id.clone();
    let out = state
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
                return Err(AppError::conflict(
                    "already_sold_out",
                    "今天已标记售罄",
                    "already marked sold out today",
                ));
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
        .await?;
    Ok(HttpResponse::Created().json(out))
}
