//! Shipment queries and the rules they check.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::{Shipment, ShipmentLine, ShipmentWithLines};
use crate::audit;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::organisations::model::OrgKind;
use crate::refusal::{Code, Refusal};
use crate::schema::{product_certificates, shipment_lines, shipments};
use crate::stock::queries as stock;

/// Record a shipment after checking every rule (audited). Lots are locked in id order.
pub fn create(
    conn: &mut DbConnection,
    actor: &str,
    seller_id: &str,
    buyer_id: &str,
    ship_date: NaiveDate,
    voucher_no: &str,
    mut lines: Vec<ShipmentLine>,
) -> AppResult<ShipmentWithLines> {
    let seller = crate::organisations::queries::find(conn, seller_id)?
        .ok_or_else(|| AppError::not_found("机构", "organisation"))?;
    if buyer_id == seller_id {
        return Err(Refusal::of(Code::ShipToSelf).into());
    }
    crate::buyers::queries::find(conn, buyer_id)?;
    if seller.kind == OrgKind::Slaughterhouse {
        if let Err(r) = crate::slaughterhouses::queries::in_network_on(conn, seller_id, ship_date)?
        {
            return Err(Refusal::of(Code::NotInNetwork)
                .with("ship_date", ship_date)
                .with("detail", r.detail)
                .with("detail_en", r.detail_en)
                .into());
        }
    }
    let taken: i64 = shipments::table
        .filter(shipments::seller_id.eq(seller_id))
        .filter(shipments::voucher_no.eq(voucher_no))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(Refusal::of(Code::VoucherNoTaken)
            .with("voucher_no", voucher_no)
            .into());
    }
    lines.sort();
    for l in &lines {
        stock::lock_lot(conn, &l.lot_id)?;
    }
    for l in &lines {
        let lot = crate::lots::queries::find(conn, &l.lot_id)?;
        stock::refuse_unless_active(conn, &lot)?;
        let origin = lot.parent_lot_id.is_none() && lot.slaughterhouse_id == seller_id;
        if origin {
            let valid_until: NaiveDate = product_certificates::table
                .find(&lot.product_certificate_id)
                .select(product_certificates::valid_until)
                .first(conn)?;
            if ship_date > valid_until {
                return Err(Refusal::of(Code::ProductCertificateLapsed)
                    .with("trace_code", &lot.trace_code)
                    .with("valid_until", valid_until)
                    .into());
            }
            if !crate::disposals::queries::failed_heads_all_disposed(conn, &lot.batch_id)? {
                return Err(Refusal::of(Code::FailedHeadsNotDisposed)
                    .with("trace_code", &lot.trace_code)
                    .into());
            }
        }
        let held = stock::holding(conn, seller_id, &lot)?;
        stock::refuse_over(
            held,
            l.weight_g,
            crate::refusal::Code::ExceedsAvailableWeight,
            &lot.trace_code,
        )?;
    }
    let s = Shipment {
        id: uuid::Uuid::new_v4().to_string(),
        seller_id: seller_id.to_string(),
        buyer_id: buyer_id.to_string(),
        ship_date,
        voucher_no: voucher_no.to_string(),
        recorded_by: Some(actor.to_string()),
        recorded_at: crate::time::now(),
    };
    let s: Shipment = diesel::insert_into(shipments::table)
        .values(&s)
        .returning(shipments::all_columns)
        .get_result(conn)?;
    for l in &lines {
        diesel::insert_into(shipment_lines::table)
            .values((
                shipment_lines::shipment_id.eq(&s.id),
                shipment_lines::lot_id.eq(&l.lot_id),
                shipment_lines::weight_g.eq(l.weight_g),
                shipment_lines::unit_price_fen.eq(l.unit_price_fen),
            ))
            .execute(conn)?;
    }
    let full = ShipmentWithLines { shipment: s, lines };
    audit::record(conn, Some(actor), "create", &full)?;
    Ok(full)
}

fn attach(conn: &mut DbConnection, list: Vec<Shipment>) -> QueryResult<Vec<ShipmentWithLines>> {
    let ids: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
    let rows: Vec<(String, String, i64, i64)> = shipment_lines::table
        .filter(shipment_lines::shipment_id.eq_any(&ids))
        .order((
            shipment_lines::shipment_id.asc(),
            shipment_lines::lot_id.asc(),
        ))
        .select((
            shipment_lines::shipment_id,
            shipment_lines::lot_id,
            shipment_lines::weight_g,
            shipment_lines::unit_price_fen,
        ))
        .load(conn)?;
    let mut by: std::collections::HashMap<String, Vec<ShipmentLine>> = Default::default();
    for (s, lot_id, weight_g, unit_price_fen) in rows {
        by.entry(s).or_default().push(ShipmentLine {
            lot_id,
            weight_g,
            unit_price_fen,
        });
    }
    Ok(list
        .into_iter()
        .map(|s| ShipmentWithLines {
            lines: by.remove(&s.id).unwrap_or_default(),
            shipment: s,
        })
        .collect())
}

/// One shipment.
pub fn find(conn: &mut DbConnection, id: &str) -> AppResult<ShipmentWithLines> {
    let s: Shipment = shipments::table
        .find(id)
        .select(Shipment::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("发货记录", "shipment"))?;
    attach(conn, vec![s])?
        .pop()
        .ok_or_else(|| AppError::not_found("发货记录", "shipment"))
}

/// Shipments an organisation sent or received, newest first.
pub fn of_org(
    conn: &mut DbConnection,
    org: &str,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<ShipmentWithLines>, i64)> {
    let cond = shipments::seller_id
        .eq(org.to_string())
        .or(shipments::buyer_id.eq(org.to_string()));
    let total = shipments::table
        .filter(cond.clone())
        .count()
        .get_result(conn)?;
    let items = shipments::table
        .filter(cond)
        .order((shipments::recorded_at.desc(), shipments::id.asc()))
        .limit(limit)
        .offset(offset)
        .select(Shipment::as_select())
        .load(conn)?;
    Ok((attach(conn, items)?, total))
}

/// Every shipment (for audit verification).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<ShipmentWithLines>> {
    let items = shipments::table.select(Shipment::as_select()).load(conn)?;
    attach(conn, items)
}
