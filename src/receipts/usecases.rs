//! The receipts' operations: issuing one out of stock the caller holds (a refused rule-breaking attempt
//! recorded), listing the caller's, and the public verification of one by its number. The JSON API and the
//! pages call these.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::distributions::{Alphanumeric, DistString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{Receipt, ReceiptLine};
use super::queries::find;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, IdempotencyKey};
use crate::input::{checked_total, Grams, LinePriceFen};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor};
use crate::refusal::{Code, Refusal};
use crate::schema::{lots, receipt_lines, receipts};
use crate::state::AppState;
use crate::stock::queries as stock;

/// Issue a receipt.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReceipt {
    /// Lines (1 to 50).
    pub lines: Vec<ReceiptLine>,
}

/// A receipt as issued: with its verification address.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedReceipt {
    /// The receipt.
    #[serde(flatten)]
    pub receipt: Receipt,
    /// Where anyone verifies it (what its QR code encodes).
    pub verification_url: String,
    /// The QR code, SVG.
    pub qr_svg: String,
}

/// A receipt line as anyone sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReceiptLine {
    /// Trace code of the lot.
    pub trace_code: String,
    /// Product.
    pub product_name: String,
    /// Weight, grams.
    pub weight_g: i64,
    /// Price, fen.
    pub price_fen: i64,
}

/// A receipt as anyone may verify it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReceipt {
    /// Number.
    pub number: String,
    /// Seller's name.
    pub seller_name: String,
    /// Issued (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub issued_at: NaiveDateTime,
    /// Lines.
    pub lines: Vec<PublicReceiptLine>,
    /// Total, fen.
    pub total_fen: i64,
}

/// Issues a receipt out of stock the caller holds (vendor): never more than it holds of each lot. Answers the
/// receipt as issued and whether it is fresh (`false`: replayed under the same Idempotency-Key).
pub async fn issue(
    state: &AppState,
    actor: &Actor,
    key: IdempotencyKey,
    cmd: NewReceipt,
) -> AppResult<(serde_json::Value, bool)> {
    actor.authorize(Action::KeepStock)?;
    let mut lines = cmd.lines;
    if lines.is_empty()
        || lines.len() > 50
        || lines
            .iter()
            .any(|l| Grams::new(l.weight_g).is_err() || LinePriceFen::new(l.price_fen).is_err())
    {
        return Err(Refusal::of(Code::InvalidLines)
            .with("doc", "凭据")
            .with("doc_en", "a receipt")
            .with("max", 50)
            .with("rule", "，重量大于 0，每行金额在 0 至 1,000,000 元之间")
            .with(
                "rule_en",
                ", weights above 0 and each line's price from 0 to ¥1,000,000",
            )
            .at("lines")
            .into());
    }
    lines.sort();
    if lines.windows(2).any(|w| w[0].lot_id == w[1].lot_id) {
        return Err(Refusal::of(Code::DuplicateLot).at("lines").into());
    }
    let key = key.bind(actor, "receipt.issue", &lines);
    let org = actor.org_id.clone();
    let records = lines.iter().map(|l| ("lot", l.lot_id.clone())).collect();
    let actor_id = actor.user_id.clone();
    let answer: idempotency::Answer<Receipt> =
        crate::violations::attempts::write_or_record_attempt(
            state,
            actor,
            org.clone(),
            records,
            move |conn| {
                idempotency::once(conn, key.as_ref(), |conn| {
                    for l in &lines {
                        stock::lock_lot(conn, &l.lot_id)?;
                    }
                    for l in &lines {
                        let lot = crate::lots::queries::find(conn, &l.lot_id)?;
                        if !stock::involved(conn, &org, &lot)? {
                            return Err(AppError::not_found("批次产品", "lot"));
                        }
                        stock::refuse_unless_active(conn, &lot)?;
                        let held = stock::holding(conn, &org, &lot)?;
                        stock::refuse_over(
                            held,
                            l.weight_g,
                            crate::refusal::Code::ExceedsHolding,
                            &lot.trace_code,
                        )?;
                    }
                    let now = crate::time::now();
                    let number = format!(
                        "R{}{}",
                        crate::time::china_date(now).format("%Y%m%d"),
                        Alphanumeric
                            .sample_string(&mut rand::rngs::OsRng, 8)
                            .to_uppercase()
                    );
                    diesel::insert_into(receipts::table)
                        .values((
                            receipts::id.eq(uuid::Uuid::new_v4().to_string()),
                            receipts::number.eq(&number),
                            receipts::seller_id.eq(&org),
                            receipts::issued_at.eq(now),
                            receipts::recorded_by.eq(&actor_id),
                        ))
                        .execute(conn)?;
                    let receipt = find(conn, &number)?;
                    for l in &lines {
                        diesel::insert_into(receipt_lines::table)
                            .values((
                                receipt_lines::receipt_id.eq(&receipt.id),
                                receipt_lines::lot_id.eq(&l.lot_id),
                                receipt_lines::weight_g.eq(l.weight_g),
                                receipt_lines::price_fen.eq(l.price_fen),
                            ))
                            .execute(conn)?;
                    }
                    let receipt = Receipt { lines, ..receipt };
                    crate::audit::record(conn, Some(&actor_id), "issue", &receipt)?;
                    Ok(receipt)
                })
            },
        )
        .await?;

    // The stored answer is the receipt; its address and QR code are made from its number each time.
    let (mut receipt, fresh) = answer.into_json()?;
    let number = receipt["number"].as_str().unwrap_or_default();
    let url = format!(
        "{}/r/{}",
        state.rules.public_base_url.trim_end_matches('/'),
        number
    );
    let qr_svg = crate::lots::labels::qr_svg(&url).map_err(AppError::internal_from)?;
    receipt["verification_url"] = url.into();
    receipt["qr_svg"] = qr_svg.into();
    Ok((receipt, fresh))
}

/// The receipts the caller's business issued, newest first (vendor).
pub async fn list(state: &AppState, actor: &Actor, page: PageParams) -> AppResult<Page<Receipt>> {
    actor.authorize(Action::KeepStock)?;
    let org = actor.org_id.clone();
    state
        .db
        .read(move |conn| {
            let (items, total) = super::list::of_seller(conn, &org, page.limit(), page.offset())?;
            Ok(Page::new(items, total, page))
        })
        .await
}

/// A receipt as anyone may verify it, by its number (no login).
pub async fn public_receipt(state: &AppState, number: String) -> AppResult<PublicReceipt> {
    let out = state
        .db
        .read(move |conn| {
            let r = find(conn, &number)?;
            let seller_name = crate::organisations::queries::find(conn, &r.seller_id)?
                .map(|o| o.name)
                .unwrap_or_default();
            let mut lines = Vec::new();
            for l in &r.lines {
                let (trace_code, product_name): (String, String) = lots::table
                    .find(&l.lot_id)
                    .select((lots::trace_code, lots::product_name))
                    .first(conn)?;
                lines.push(PublicReceiptLine {
                    trace_code,
                    product_name,
                    weight_g: l.weight_g,
                    price_fen: l.price_fen,
                });
            }
            Ok(PublicReceipt {
                total_fen: checked_total(r.lines.iter().map(|l| l.price_fen)).ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("receipt {} totals past i64", r.number))
                })?,
                number: r.number,
                seller_name,
                issued_at: r.issued_at,
                lines,
            })
        })
        .await?;
    Ok(out)
}
