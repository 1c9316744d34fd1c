//! The receipts a vendor has issued, newest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::Receipt;
use crate::db::DbConnection;
use crate::schema::{receipt_lines, receipts};

/// A seller's receipts with their lines, newest first, and how many there are.
pub fn of_seller(
    conn: &mut DbConnection,
    seller: &str,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Receipt>, i64)> {
    let total = receipts::table
        .filter(receipts::seller_id.eq(seller))
        .count()
        .get_result(conn)?;
    let heads: Vec<(String, String, String, NaiveDateTime, Option<String>)> = receipts::table
        .filter(receipts::seller_id.eq(seller))
        .order((receipts::issued_at.desc(), receipts::id.asc()))
        .limit(limit)
        .offset(offset)
        .select((
            receipts::id,
            receipts::number,
            receipts::seller_id,
            receipts::issued_at,
            receipts::recorded_by,
        ))
        .load(conn)?;
    let ids: Vec<&String> = heads.iter().map(|h| &h.0).collect();
    let lines: Vec<(String, String, i64, i64)> = receipt_lines::table
        .filter(receipt_lines::receipt_id.eq_any(ids))
        .order((receipt_lines::receipt_id.asc(), receipt_lines::lot_id.asc()))
        .select((
            receipt_lines::receipt_id,
            receipt_lines::lot_id,
            receipt_lines::weight_g,
            receipt_lines::price_fen,
        ))
        .load(conn)?;
    let items = super::queries::assemble(heads, &lines);
    Ok((items, total))
}
