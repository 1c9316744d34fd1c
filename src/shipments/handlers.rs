//! HTTP handlers for shipments.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{ShipmentLine, ShipmentWithLines};
use super::queries;
use crate::body::Json;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Owner, Scope};
use crate::state::AppState;
use crate::validate::text;

/// One line of a shipment.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    /// The lot.
    pub lot_id: uuid::Uuid,
    /// Weight, grams.
    pub weight_g: i64,
    /// Price per kilogram, fen (at most ¥100,000).
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub unit_price_fen: i64,
}

/// Declare a shipment to a registered buyer.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShipment {
    /// The registered buyer.
    pub buyer_id: uuid::Uuid,
    /// Day of the sale (default: today, China time).
    pub ship_date: Option<NaiveDate>,
    /// Transaction voucher number (交易凭证号).
    pub voucher_no: String,
    /// Lines: one per lot.
    pub lines: Vec<LineRequest>,
}

/// Declare a shipment (流通信息申报): a slaughterhouse from its lots, a buyer onwards from what it holds.
#[utoipa::path(
    tag = "circulation",
    request_body = NewShipment,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = ShipmentWithLines),
        (status = 200, description = "already recorded under this Idempotency-Key", body = ShipmentWithLines),
        (status = 409, description = "idempotency_key_reused, voucher_no_taken", body = Problem),
        (status = 422, description = "not_in_network, lot_recalled, lot_disposed, product_certificate_lapsed, \
            failed_heads_not_disposed, exceeds_available_weight, buyer_not_registered", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/shipments")]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    body: Json<NewShipment>,
) -> AppResult<HttpResponse> {
    actor.authorize(Action::Ship)?;
    let key = key.bind(&actor, "shipment.create", &*body);
    let b = body.into_inner();
    if b.lines.is_empty() || b.lines.len() > 500 {
        return Err(AppError::unprocessable(
            "invalid_lines",
            "发货须有 1 至 500 行",
            "a shipment has 1 to 500 lines",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut lines = Vec::new();
    for l in &b.lines {
        if l.weight_g <= 0 || !(0..=crate::money::MAX_UNIT_PRICE_FEN).contains(&l.unit_price_fen) {
            return Err(AppError::unprocessable(
                "invalid_quantity",
                "重量须大于 0，单价在每千克 0 至 100,000 元之间",
                "weight must be more than 0 and the price from 0 to ¥100,000 per kg",
            ));
        }
        if !seen.insert(l.lot_id) {
            return Err(AppError::unprocessable(
                "duplicate_lot",
                "同一产品在发货单中出现两次",
                "the same lot is listed twice",
            ));
        }
        lines.push(ShipmentLine {
            lot_id: l.lot_id.to_string(),
            weight_g: l.weight_g,
            unit_price_fen: l.unit_price_fen,
        });
    }
    let today = crate::time::today_china();
    let day = b.ship_date.unwrap_or(today);
    if day > today {
        return Err(AppError::unprocessable(
            "date_in_future",
            "发货日期不能晚于今天",
            "the shipment cannot be dated in the future",
        ));
    }
    let voucher = text(&b.voucher_no, "voucher_no", "交易凭证号")?;
    let records = lines.iter().map(|l| ("lot", l.lot_id.clone())).collect();
    let seller = actor.org_id.clone();
    let actor_id = actor.user_id.clone();
    let buyer = b.buyer_id.to_string();
    let out = crate::violations::attempts::write_or_record_attempt(
        &state,
        &actor,
        seller.clone(),
        records,
        move |conn| {
            idempotency::once(conn, key.as_ref(), |c| {
                queries::create(c, &actor_id, &seller, &buyer, day, &voucher, lines)
            })
        },
    )
    .await?;
    Ok(out.respond())
}

/// May the scope see a movement between these two organisations?
pub fn covers_either(conn: &mut DbConnection, scope: &Scope, a: &str, b: &str) -> AppResult<bool> {
    for id in [a, b] {
        if let Some(org) = crate::organisations::queries::find(conn, id)? {
            if scope.covers(Owner {
                org_id: &org.id,
                kind: org.kind,
                district: org.district,
            }) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// One shipment (its seller, its buyer, and regulators in scope).
#[utoipa::path(
    tag = "circulation",
    params(("id" = uuid::Uuid, Path, description = "shipment id")),
    responses((status = 200, body = ShipmentWithLines), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/shipments/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<ShipmentWithLines>> {
    let scope = actor.authorize(Action::ReadCirculation)?;
    let id = id.into_inner().to_string();
    let out = state
        .db
        .read(move |conn| {
            let s = queries::find(conn, &id)?;
            if !covers_either(conn, &scope, &s.shipment.seller_id, &s.shipment.buyer_id)? {
                return Err(AppError::not_found("发货记录", "shipment"));
            }
            Ok(s)
        })
        .await?;
    Ok(Json(out))
}

/// Shipments the caller's organisation sent or received, newest first.
#[utoipa::path(
    tag = "circulation",
    params(PageParams),
    responses((status = 200, body = Page<ShipmentWithLines>)),
    security(("bearer" = []))
)]
#[get("/shipments")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<ShipmentWithLines>>> {
    actor.authorize(Action::Ship)?;
    let page = page.into_inner();
    let org = actor.org_id.clone();
    let out = state
        .db
        .read(move |conn| {
            let (items, total) = queries::of_org(conn, &org, page.limit(), page.offset())?;
            Ok(Page::new(items, total, page))
        })
        .await?;
    Ok(Json(out))
}
