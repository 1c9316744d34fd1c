//! The shipments' operations: declaring a shipment (checked against every rule it could break, a refused
//! rule-breaking attempt recorded), reading one in scope, listing the caller's. The JSON API and the pages
//! call these.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{ShipmentLine, ShipmentWithLines};
use super::queries;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Answer};
use crate::input::{Grams, UnitPriceFen};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Owner, Scope};
use crate::refusal::{Code, Refusal};
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

/// Declares a shipment: a slaughterhouse from its lots, a buyer onwards from what it holds. `key` is the
/// Idempotency-Key bound to the request.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    key: Option<idempotency::Bound>,
    b: NewShipment,
) -> AppResult<Answer<ShipmentWithLines>> {
    actor.authorize(Action::Ship)?;
    if b.lines.is_empty() || b.lines.len() > 500 {
        return Err(Refusal::of(Code::InvalidLines)
            .with("doc", "发货单")
            .with("doc_en", "a shipment")
            .with("max", 500)
            .with("rule", "")
            .with("rule_en", "")
            .at("lines")
            .into());
    }
    let mut seen = std::collections::HashSet::new();
    let mut lines = Vec::new();
    for (i, l) in b.lines.iter().enumerate() {
        if Grams::new(l.weight_g).is_err() || UnitPriceFen::new(l.unit_price_fen).is_err() {
            return Err(Refusal::of(Code::InvalidQuantity)
                .at(format!("lines[{i}]"))
                .into());
        }
        if !seen.insert(l.lot_id) {
            return Err(Refusal::of(Code::DuplicateLot)
                .at(format!("lines[{i}].lot_id"))
                .into());
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
        return Err(Refusal::of(Code::DateInFuture)
            .with("field", "ship_date")
            .with("day", day)
            .at("ship_date")
            .into());
    }
    let voucher = text(&b.voucher_no, "voucher_no", "交易凭证号")?;
    let records = lines.iter().map(|l| ("lot", l.lot_id.clone())).collect();
    let seller = actor.org_id.clone();
    let actor_id = actor.user_id.clone();
    let buyer = b.buyer_id.to_string();
    crate::violations::attempts::write_or_record_attempt(
        state,
        actor,
        seller.clone(),
        records,
        move |conn| {
            idempotency::once(conn, key.as_ref(), |c| {
                queries::create(c, &actor_id, &seller, &buyer, day, &voucher, lines)
            })
        },
    )
    .await
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
pub async fn get_one(state: &AppState, actor: &Actor, id: String) -> AppResult<ShipmentWithLines> {
    let scope = actor.authorize(Action::ReadCirculation)?;
    state
        .db
        .read(move |conn| {
            let s = queries::find(conn, &id)?;
            if !covers_either(conn, &scope, &s.shipment.seller_id, &s.shipment.buyer_id)? {
                return Err(AppError::not_found("发货记录", "shipment"));
            }
            Ok(s)
        })
        .await
}

/// Shipments the caller's organisation sent or received, newest first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    page: PageParams,
) -> AppResult<Page<ShipmentWithLines>> {
    actor.authorize(Action::Ship)?;
    let org = actor.org_id.clone();
    state
        .db
        .read(move |conn| {
            let (items, total) = queries::of_org(conn, &org, page.limit(), page.offset())?;
            Ok(Page::new(items, total, page))
        })
        .await
}
