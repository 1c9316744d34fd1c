//! The board, as JSON and as a page.

use std::fmt::Write as _;

use actix_web::{get, web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::body::Json;
use crate::buyers::model::BuyerKind;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, Problem};
use crate::lots::labels::{escape_html, format_weight};
use crate::lots::model::LotStatus;
use crate::organisations::model::District;
use crate::schema::{inspection_certificates, product_certificates, sold_out_marks};
use crate::state::AppState;
use crate::stock::queries as stock;

/// One lot on the board.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardEntry {
    /// The verification address from this board (counted with the stall as its context).
    pub verify_url: String,
    /// Trace code, grouped as printed.
    pub trace_code: String,
    /// Product.
    pub product_name: String,
    /// Weight the stall holds, grams.
    pub weight_held_g: i64,
    /// Halal.
    pub halal: bool,
    /// Use-by date.
    pub use_by: NaiveDate,
    /// Slaughterhouse.
    pub slaughterhouse_name: String,
    /// Product certificate (产品A/B) number.
    pub product_certificate_no: String,
    /// Its last valid day.
    pub product_certificate_valid_until: NaiveDate,
    /// Inspection certificate number.
    pub inspection_certificate_no: String,
    /// When inspected (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub inspected_at: NaiveDateTime,
}

/// A stall's board for today.
#[derive(Debug, Serialize, ToSchema)]
pub struct Board {
    /// The stall (buyer) id.
    pub stall_id: String,
    /// Its name.
    pub name: String,
    /// Kind.
    pub buyer_kind: BuyerKind,
    /// District.
    pub district: Option<District>,
    /// Market.
    pub market_name: Option<String>,
    /// Stall number.
    pub stall_no: Option<String>,
    /// The day (China time).
    pub day: NaiveDate,
    /// The lots held today.
    pub entries: Vec<BoardEntry>,
    /// The page's address (what the QR code opens).
    pub page_url: String,
}

fn board(conn: &mut DbConnection, id: &str, base: &str) -> AppResult<Board> {
    let (org, profile) =
        crate::buyers::queries::find(conn, id).map_err(|_| AppError::not_found("摊位", "stall"))?;
    let day = crate::time::today_china();
    let sold_out: Vec<String> = sold_out_marks::table
        .filter(sold_out_marks::org_id.eq(&org.id))
        .filter(sold_out_marks::day.eq(day))
        .select(sold_out_marks::lot_id)
        .load(conn)?;
    let mut entries = Vec::new();
    for lot in stock::lots_taken_in(conn, &org.id)? {
        if sold_out.contains(&lot.id) || stock::status(conn, &lot)? != LotStatus::Active {
            continue;
        }
        let held = stock::holding(conn, &org.id, &lot)?;
        if held <= 0 {
            continue;
        }
        let (pc_no, pc_until): (String, NaiveDate) = product_certificates::table
            .find(&lot.product_certificate_id)
            .select((
                product_certificates::number,
                product_certificates::valid_until,
            ))
            .first(conn)?;
        let (ic_no, inspected_at): (String, NaiveDateTime) = inspection_certificates::table
            .find(&lot.inspection_certificate_id)
            .select((
                inspection_certificates::number,
                inspection_certificates::inspected_at,
            ))
            .first(conn)?;
        let house = crate::organisations::queries::find(conn, &lot.slaughterhouse_id)?
            .map(|o| o.name)
            .unwrap_or_default();
        entries.push(BoardEntry {
            verify_url: format!(
                "{}/t/{}?stall={}",
                base.trim_end_matches('/'),
                lot.trace_code,
                org.id
            ),
            trace_code: crate::lots::trace_code::display(&lot.trace_code),
            product_name: lot.product_name,
            weight_held_g: held,
            halal: lot.halal,
            use_by: lot.use_by,
            slaughterhouse_name: house,
            product_certificate_no: pc_no,
            product_certificate_valid_until: pc_until,
            inspection_certificate_no: ic_no,
            inspected_at,
        });
    }
    Ok(Board {
        page_url: format!("{}/stalls/{}/today", base.trim_end_matches('/'), org.id),
        stall_id: org.id,
        name: org.name,
        buyer_kind: profile.buyer_kind,
        district: org.district,
        market_name: profile.market_name,
        stall_no: profile.stall_no,
        day,
        entries,
    })
}

/// Today's board of a stall (no login).
#[utoipa::path(
    tag = "public",
    params(("id" = uuid::Uuid, Path, description = "stall (buyer) id")),
    responses((status = 200, body = Board), (status = 404, body = Problem))
)]
#[get("/stalls/{id}/today")]
pub async fn board_json(
    state: web::Data<AppState>,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<Board>> {
    let id = id.into_inner().to_string();
    let base = state.rules.public_base_url.clone();
    Ok(Json(
        state.db.read(move |conn| board(conn, &id, &base)).await?,
    ))
}

/// Today's board of a stall as a printable page (no login, no JavaScript).
#[utoipa::path(
    tag = "public",
    params(("id" = uuid::Uuid, Path, description = "stall (buyer) id")),
    responses((status = 200, content_type = "text/html", description = "the page"), (status = 404, body = Problem))
)]
#[get("/stalls/{id}/today")]
pub async fn board_page(
    state: web::Data<AppState>,
    id: web::Path<uuid::Uuid>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let base = state.rules.public_base_url.clone();
    let b = state.db.read(move |conn| board(conn, &id, &base)).await?;
    let qr = crate::lots::labels::qr_svg(&b.page_url).map_err(|e| AppError::internal_from(e))?;
    let mut html = String::new();
    let place = [
        b.market_name.clone(),
        b.stall_no.clone().map(|s| format!("{s} 号档")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{name} · 今日检疫、检验证明</title><style>\
         body{{font-family:sans-serif;margin:1rem;color:#111}} h1{{font-size:1.4rem;margin:0}}\
         table{{border-collapse:collapse;width:100%;margin-top:1rem}} th,td{{border:1px solid #999;padding:.4rem;text-align:left;font-size:.95rem}}\
         .qr{{width:32mm;float:right}} .halal{{color:#0a6b2f;font-weight:bold}} .en{{color:#555;font-size:.85rem}}\
         @media print{{@page{{size:A4;margin:10mm}}}}</style></head><body>\
         <div class=\"qr\">{qr}</div><h1>今日检疫、检验证明</h1><p class=\"en\">Today's quarantine and inspection certificates</p>\
         <p><strong>{name}</strong> {place}<br>{day}</p>\
         <table><thead><tr><th>追溯码 Trace code</th><th>产品 Product</th><th>在售 Held</th><th>动物检疫合格证明 Product certificate</th>\
         <th>检验合格证 Inspection</th><th>屠宰厂 Slaughterhouse</th><th>保质期至 Use by</th></tr></thead><tbody>",
        name = escape_html(&b.name),
        place = escape_html(&place),
        day = b.day,
    );
    for e in &b.entries {
        let _ = write!(
            html,
            "<tr><td><a href=\"{url}\"><code>{code}</code></a></td><td>{product}{halal}</td><td>{weight}</td><td>{pc}（至 {pc_until}）</td>\
             <td>{ic}</td><td>{house}</td><td>{use_by}</td></tr>",
            url = escape_html(&e.verify_url),
            code = escape_html(&e.trace_code),
            product = escape_html(&e.product_name),
            halal = if e.halal { " <span class=\"halal\">清真 HALAL</span>" } else { "" },
            weight = format_weight(e.weight_held_g),
            pc = escape_html(&e.product_certificate_no),
            pc_until = e.product_certificate_valid_until,
            ic = escape_html(&e.inspection_certificate_no),
            house = escape_html(&e.slaughterhouse_name),
            use_by = e.use_by,
        );
    }
    if b.entries.is_empty() {
        html.push_str("<tr><td colspan=\"7\">今日暂无在售产品 No stock today</td></tr>");
    }
    html.push_str("</tbody></table><p class=\"en\">扫码查看本页 Scan to open this page · 发现问题请拨打 12345</p></body></html>");
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}
