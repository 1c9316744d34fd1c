//! The receipts a vendor has issued, newest first.

use diesel::prelude::*;

use super::model::Receipt;
use super::queries::{HeadRow, LineRow, HEAD, LINE};
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
    let heads: Vec<HeadRow> = receipts::table
        .filter(receipts::seller_id.eq(seller))
        .order((receipts::issued_at.desc(), receipts::id.asc()))
        .limit(limit)
        .offset(offset)
        .select(HEAD)
        .load(conn)?;
    let ids: Vec<&String> = heads.iter().map(|h| &h.0).collect();
    let lines: Vec<LineRow> = receipt_lines::table
        .filter(receipt_lines::receipt_id.eq_any(ids))
        .order((receipt_lines::receipt_id.asc(), receipt_lines::lot_id.asc()))
        .select(LINE)
        .load(conn)?;
    let items = super::queries::assemble(heads, &lines);
    Ok((items, total))
}
