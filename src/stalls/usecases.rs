//! The stall board's one operation: today's board of a stall, read by anyone. The JSON API and the page call
//! it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::buyers::model::BuyerKind;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
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

/// Today's board of stall `id` (no login).
pub async fn today(state: &AppState, id: String) -> AppResult<Board> {
    let base = state.rules.public_base_url.clone();
    state.db.read(move |conn| board(conn, &id, &base)).await
}
