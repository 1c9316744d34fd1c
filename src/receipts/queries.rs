//! Reading receipts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Receipt, ReceiptLine};
use crate::error::{AppError, AppResult};
use crate::schema::{receipt_lines, receipts};

/// One receipt by number, with its lines.
pub fn find(conn: &mut crate::db::DbConnection, number: &str) -> AppResult<Receipt> {
    let (id, number, seller_id, issued_at, recorded_by): HeadRow = receipts::table
        .filter(receipts::number.eq(number.trim().to_uppercase()))
        .select(HEAD)
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("销售凭据", "receipt"))?;
    let lines = receipt_lines::table
        .filter(receipt_lines::receipt_id.eq(&id))
        .order(receipt_lines::lot_id.asc())
        .select((
            receipt_lines::lot_id,
            receipt_lines::weight_g,
            receipt_lines::price_fen,
        ))
        .load::<ReceiptLine>(conn)?;
    Ok(Receipt {
        id,
        number,
        seller_id,
        issued_at,
        recorded_by,
        lines,
    })
}

/// A receipt's head as loaded: id, number, seller, issued at, recorded by.
pub type HeadRow = (String, String, String, NaiveDateTime, Option<String>);
/// A receipt line as loaded: receipt id, lot id, weight, price.
pub type LineRow = (String, String, i64, i64);

/// The columns of a receipt's head, loaded as a `HeadRow`.
pub const HEAD: (
    receipts::id,
    receipts::number,
    receipts::seller_id,
    receipts::issued_at,
    receipts::recorded_by,
) = (
    receipts::id,
    receipts::number,
    receipts::seller_id,
    receipts::issued_at,
    receipts::recorded_by,
);

/// The columns of a receipt line, loaded as a `LineRow`.
pub const LINE: (
    receipt_lines::receipt_id,
    receipt_lines::lot_id,
    receipt_lines::weight_g,
    receipt_lines::price_fen,
) = (
    receipt_lines::receipt_id,
    receipt_lines::lot_id,
    receipt_lines::weight_g,
    receipt_lines::price_fen,
);

/// Receipts from their heads and the lines of those heads.
pub fn assemble(heads: Vec<HeadRow>, lines: &[LineRow]) -> Vec<Receipt> {
    heads
        .into_iter()
        .map(|(id, number, seller_id, issued_at, recorded_by)| Receipt {
            lines: lines
                .iter()
                .filter(|l| l.0 == id)
                .map(|l| ReceiptLine {
                    lot_id: l.1.clone(),
                    weight_g: l.2,
                    price_fen: l.3,
                })
                .collect(),
            id,
            number,
            seller_id,
            issued_at,
            recorded_by,
        })
        .collect()
}

/// Every receipt with its lines (for audit verification).
pub fn all(conn: &mut crate::db::DbConnection) -> QueryResult<Vec<Receipt>> {
    let heads: Vec<HeadRow> = receipts::table.select(HEAD).load(conn)?;
    let lines: Vec<LineRow> = receipt_lines::table
        .order((receipt_lines::receipt_id.asc(), receipt_lines::lot_id.asc()))
        .select(LINE)
        .load(conn)?;
    Ok(assemble(heads, &lines))
}
