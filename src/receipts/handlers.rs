//! Issuing and verifying receipts.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::distributions::{Alphanumeric, DistString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
use crate::policy::{Action, Actor};
use crate::schema::{lots, receipt_lines, receipts};
use crate::state::AppState;
use crate::stock::queries as stock;

pub use super::model::{Receipt, ReceiptLine};
use super::queries::find;

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

/// Issue a receipt out of stock the caller holds (vendor): never more than it holds of each lot.
#[utoipa::path(
    tag = "circulation",
    request_body = NewReceipt,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = IssuedReceipt),
        (status = 200, description = "already issued under this Idempotency-Key", body = IssuedReceipt),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, description = "exceeds_holding, lot_recalled, lot_disposed", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/receipts")]
pub async fn issue(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    body: Json<NewReceipt>,
) -> AppResult<HttpResponse> {
    actor.authorize(Action::KeepStock)?;
    let mut lines = body.into_inner().lines;
    if lines.is_empty()
        || lines.len() > 50
        || lines.iter().any(|l| {
            l.weight_g <= 0 || !(0..=crate::money::MAX_RECEIPT_LINE_FEN).contains(&l.price_fen)
        })
    {
        return Err(AppError::unprocessable(
            "invalid_lines",
            "凭据须有 1 至 50 行，重量大于 0，每行金额在 0 至 1,000,000 元之间",
            "a receipt has 1 to 50 lines, weights above 0 and each line's price from 0 to ¥1,000,000",
        ));
    }
    lines.sort();
    if lines.windows(2).any(|w| w[0].lot_id == w[1].lot_id) {
        return Err(AppError::unprocessable(
            "duplicate_lot",
            "同一产品出现两次",
            "the same lot is listed twice",
        ));
    }
    let key = key.bind(&actor, "receipt.issue", &lines);
    let org = actor.org_id.clone();
    let records = lines.iter().map(|l| ("lot", l.lot_id.clone())).collect();
    let actor_id = actor.user_id.clone();
    let answer = crate::violations::attempts::write_or_record_attempt(
        &state,
        &actor,
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
                    stock::refuse_over(held, l.weight_g, crate::refusal::Code::ExceedsHolding, &lot.trace_code)?;
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
    let qr_svg = crate::lots::labels::qr_svg(&url).map_err(|e| AppError::internal_from(e))?;
    receipt["verification_url"] = url.into();
    receipt["qr_svg"] = qr_svg.into();
    Ok(if fresh {
        HttpResponse::Created().json(receipt)
    } else {
        HttpResponse::Ok().json(receipt)
    })
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

/// Verify a receipt (no login).
#[utoipa::path(
    tag = "public",
    params(("number" = String, Path, description = "receipt number")),
    responses((status = 200, body = PublicReceipt), (status = 404, body = Problem))
)]
#[get("/public/receipts/{number}")]
pub async fn verify(
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> AppResult<Json<PublicReceipt>> {
    Ok(Json(public_receipt(&state, number.into_inner()).await?))
}

/// The receipt's page, the address in its QR code (no login, no JavaScript).
#[utoipa::path(
    tag = "public",
    params(("number" = String, Path, description = "receipt number")),
    responses((status = 200, content_type = "text/html", description = "the page"), (status = 404, body = Problem))
)]
#[get("/r/{number}")]
pub async fn page(
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> AppResult<HttpResponse> {
    use crate::lots::labels::{escape_html, format_weight};
    use std::fmt::Write as _;
    let r = public_receipt(&state, number.into_inner()).await?;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>销售凭据 {n}</title>\
         <style>body{{font-family:sans-serif;margin:1rem}} table{{border-collapse:collapse;width:100%}}\
         td,th{{border:1px solid #999;padding:.3rem}} .ok{{background:#1b7f3b;color:#fff;padding:1rem;font-weight:bold}}</style>\
         </head><body><div class=\"ok\">销售凭据真实有效 · Genuine receipt</div><p>编号 No. {n}<br>{seller}<br>{at}</p>\
         <table><tr><th>追溯码 Trace code</th><th>产品 Product</th><th>重量 Weight</th><th>金额 Amount</th></tr>",
        n = escape_html(&r.number),
        seller = escape_html(&r.seller_name),
        at = crate::time::show(r.issued_at),
    );
    for l in &r.lines {
        let _ = write!(
            h,
            "<tr><td><a href=\"/t/{c}\">{c}</a></td><td>{p}</td><td>{w}</td><td>¥{y}</td></tr>",
            c = escape_html(&l.trace_code),
            p = escape_html(&l.product_name),
            w = format_weight(l.weight_g),
            y = crate::money::yuan(l.price_fen),
        );
    }
    let _ = write!(
        h,
        "</table><p>合计 Total ¥{}</p></body></html>",
        crate::money::yuan(r.total_fen)
    );
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(h))
}

async fn public_receipt(state: &AppState, number: String) -> AppResult<PublicReceipt> {
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
                total_fen: r
                    .lines
                    .iter()
                    .fold(0i64, |t, l| t.saturating_add(l.price_fen)),
                number: r.number,
                seller_name,
                issued_at: r.issued_at,
                lines,
            })
        })
        .await?;
    Ok(out)
}
