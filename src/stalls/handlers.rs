//! The board, as JSON and as a page.

use std::fmt::Write as _;

use actix_web::{get, web, HttpResponse};

use super::usecases::{self, Board};
use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::lots::labels::{escape_html, format_weight};
use crate::state::AppState;

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
    Ok(Json(usecases::today(&state, id).await?))
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
    let b = usecases::today(&state, id).await?;
    let qr = crate::lots::labels::qr_svg(&b.page_url).map_err(AppError::internal_from)?;
    let html = render(&b, &qr);
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// The board as a printable HTML page, its QR code (SVG) in the corner.
fn render(b: &Board, qr: &str) -> String {
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
    html
}
