//! Issuing and verifying receipts.

use actix_web::{get, post, web, HttpResponse};

use super::model::Receipt;
use super::usecases::{self, IssuedReceipt, NewReceipt, PublicReceipt};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::paging::{Page, PageParams};
use crate::policy::Actor;
use crate::state::AppState;

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
    let (receipt, fresh) = usecases::issue(&state, &actor, key, body.into_inner()).await?;
    Ok(if fresh {
        HttpResponse::Created().json(receipt)
    } else {
        HttpResponse::Ok().json(receipt)
    })
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
    Ok(Json(
        usecases::public_receipt(&state, number.into_inner()).await?,
    ))
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
    let r = usecases::public_receipt(&state, number.into_inner()).await?;
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

/// The receipts the caller's business issued, newest first (vendor).
#[utoipa::path(
    tag = "circulation",
    params(PageParams),
    responses((status = 200, body = Page<Receipt>)),
    security(("bearer" = []))
)]
#[get("/receipts")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    paging: web::Query<PageParams>,
) -> AppResult<Json<Page<Receipt>>> {
    Ok(Json(
        usecases::list(&state, &actor, paging.into_inner()).await?,
    ))
}
