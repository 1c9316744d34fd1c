//! Balances of a lot, and the lot lock.

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::DbConnection;
use crate::disposals::model::{Disposal, DisposalMethod, DisposalReason, DisposalTarget};
use crate::error::AppResult;
use crate::lots::model::{Lot, LotStatus};
use crate::refusal::{Code, Refusal};
use crate::schema::{
    disposals, ledger_entries, lot_recalls, lot_splits, lots, recall_withdrawals, receipt_lines,
    receipts, shipment_lines, shipments,
};

/// Take the lot's row lock for the rest of the transaction (PostgreSQL), so that concurrent movements of the
/// same lot check their balances one after another. On SQLite every write transaction already holds the
/// database's single write lock (`BEGIN IMMEDIATE`).
pub fn lock_lot(conn: &mut DbConnection, lot_id: &str) -> AppResult<()> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query("SELECT id FROM lots WHERE id = $1 FOR UPDATE")
            .bind::<Text, _>(lot_id)
            .execute(c)?;
    }
    Ok(())
}

fn sum(v: Vec<i64>) -> i64 {
    v.into_iter().sum()
}

/// Weight shipped out of the lot by `org`.
pub fn shipped_by(conn: &mut DbConnection, org: &str, lot: &str) -> QueryResult<i64> {
    Ok(sum(shipment_lines::table
        .inner_join(shipments::table)
        .filter(shipment_lines::lot_id.eq(lot))
        .filter(shipments::seller_id.eq(org))
        .select(shipment_lines::weight_g)
        .load(conn)?))
}

/// Weight of the lot shipped to `org`.
pub fn shipped_to(conn: &mut DbConnection, org: &str, lot: &str) -> QueryResult<i64> {
    Ok(sum(shipment_lines::table
        .inner_join(shipments::table)
        .filter(shipment_lines::lot_id.eq(lot))
        .filter(shipments::buyer_id.eq(org))
        .select(shipment_lines::weight_g)
        .load(conn)?))
}

/// Weight of the lot `org` has recorded in its purchase ledger.
pub fn recorded_by(conn: &mut DbConnection, org: &str, lot: &str) -> QueryResult<i64> {
    Ok(sum(ledger_entries::table
        .filter(ledger_entries::lot_id.eq(lot))
        .filter(ledger_entries::buyer_id.eq(org))
        .select(ledger_entries::weight_g)
        .load(conn)?))
}

/// Weight of the lot `org` sold on receipts.
pub fn sold_by(conn: &mut DbConnection, org: &str, lot: &str) -> QueryResult<i64> {
    Ok(sum(receipt_lines::table
        .inner_join(receipts::table)
        .filter(receipt_lines::lot_id.eq(lot))
        .filter(receipts::seller_id.eq(org))
        .select(receipt_lines::weight_g)
        .load(conn)?))
}

/// Weight of the lot `org` disposed of.
pub fn disposed_by(conn: &mut DbConnection, org: &str, lot: &str) -> QueryResult<i64> {
    Ok(sum(disposals::table
        .filter(disposals::lot_id.eq(lot))
        .filter(disposals::org_id.eq(org))
        .select(disposals::weight_g)
        .load(conn)?))
}

/// Weight split off the lot by `org` into child lots.
pub fn split_off_by(conn: &mut DbConnection, org: &str, lot: &str) -> AppResult<i64> {
    let children: Vec<String> = lot_splits::table
        .filter(lot_splits::parent_lot_id.eq(lot))
        .filter(lot_splits::holder_id.eq(org))
        .select(lot_splits::child_lot_id)
        .load(conn)?;
    let mut total = 0;
    for c in children {
        total += crate::lots::queries::effective_weight(conn, &c)?;
    }
    Ok(total)
}

/// The holder of a child lot made by splitting, if it is one.
pub fn split_holder(conn: &mut DbConnection, lot: &str) -> QueryResult<Option<String>> {
    lot_splits::table
        .find(lot)
        .select(lot_splits::holder_id)
        .first(conn)
        .optional()
}

/// What `org` holds of the lot now: what it took in (recorded, or split into this child) minus what went out
/// (shipped on, sold, disposed of, split off). For the slaughterhouse that made the lot: its weight minus what
/// it shipped or disposed of.
pub fn holding(conn: &mut DbConnection, org: &str, lot: &Lot) -> AppResult<i64> {
    let made_it = lot.parent_lot_id.is_none() && lot.slaughterhouse_id == org;
    let took_in = if made_it || split_holder(conn, &lot.id)?.as_deref() == Some(org) {
        crate::lots::queries::effective_weight(conn, &lot.id)?
    } else {
        recorded_by(conn, org, &lot.id)?
    };
    let out = shipped_by(conn, org, &lot.id)?
        + sold_by(conn, org, &lot.id)?
        + disposed_by(conn, org, &lot.id)?
        + split_off_by(conn, org, &lot.id)?;
    Ok(took_in - out)
}

/// What `org` still has of the lot: what it holds by its own records, plus what was shipped to it and it
/// never recorded (a buyer that skips its ledger still has the meat).
pub fn still_has(conn: &mut DbConnection, org: &str, lot: &Lot) -> AppResult<i64> {
    let unrecorded = shipped_to(conn, org, &lot.id)? - recorded_by(conn, org, &lot.id)?;
    Ok(holding(conn, org, lot)? + unrecorded.max(0))
}

/// Is the lot, or a lot it was split from, recalled by a recall that stands (not withdrawn)?
pub fn is_recalled(conn: &mut DbConnection, lot: &Lot) -> QueryResult<bool> {
    let mut id = Some(lot.id.clone());
    let mut depth = 0;
    while let Some(current) = id {
        let n: i64 = lot_recalls::table
            .left_join(
                recall_withdrawals::table.on(recall_withdrawals::recall_id
                    .nullable()
                    .eq(lot_recalls::recall_id)),
            )
            .filter(lot_recalls::lot_id.eq(&current))
            .filter(recall_withdrawals::recall_id.is_null())
            .count()
            .get_result(conn)?;
        if n > 0 {
            return Ok(true);
        }
        depth += 1;
        if depth > 16 {
            break;
        }
        id = lots::table
            .find(&current)
            .select(lots::parent_lot_id)
            .first::<Option<String>>(conn)?;
    }
    Ok(false)
}

/// Where the lot stands: disposed of at its slaughterhouse, else recalled (it or a lot it came from), else
/// active.
pub fn status(conn: &mut DbConnection, lot: &Lot) -> QueryResult<LotStatus> {
    if crate::lots::queries::is_closed(conn, lot)? {
        Ok(LotStatus::Disposed)
    } else if is_recalled(conn, lot)? {
        Ok(LotStatus::Recalled)
    } else {
        Ok(LotStatus::Active)
    }
}

/// Refuse moving a lot that is not active.
pub fn refuse_unless_active(conn: &mut DbConnection, lot: &Lot) -> AppResult<()> {
    match status(conn, lot)? {
        LotStatus::Active => Ok(()),
        LotStatus::Recalled => Err(Refusal::of(Code::LotRecalled)
            .with("trace_code", &lot.trace_code)
            .into()),
        LotStatus::Disposed => Err(Refusal::of(Code::LotDisposed)
            .with("trace_code", &lot.trace_code)
            .into()),
    }
}

/// Refuse taking more than is held, with `code` (`exceeds_holding`, `exceeds_available_weight`, ...).
pub fn refuse_over(held: i64, wanted: i64, code: Code, trace_code: &str) -> Result<(), Refusal> {
    if wanted > held {
        return Err(Refusal::of(code)
            .with("trace_code", trace_code)
            .with("held", held)
            .with("wanted", wanted));
    }
    Ok(())
}

/// Has `org` ever held the lot (shipped to it, recorded by it, split into it, or made by it)?
pub fn involved(conn: &mut DbConnection, org: &str, lot: &Lot) -> AppResult<bool> {
    if lot.slaughterhouse_id == org || split_holder(conn, &lot.id)?.as_deref() == Some(org) {
        return Ok(true);
    }
    Ok(shipped_to(conn, org, &lot.id)? > 0 || shipped_by(conn, org, &lot.id)? > 0)
}

/// Lots a buyer has taken in (recorded in its ledger, or split into children it holds).
pub fn lots_taken_in(conn: &mut DbConnection, org: &str) -> QueryResult<Vec<Lot>> {
    let mut ids: Vec<String> = ledger_entries::table
        .filter(ledger_entries::buyer_id.eq(org))
        .select(ledger_entries::lot_id)
        .distinct()
        .load(conn)?;
    ids.extend(
        lot_splits::table
            .filter(lot_splits::holder_id.eq(org))
            .select(lot_splits::child_lot_id)
            .load::<String>(conn)?,
    );
    ids.sort();
    ids.dedup();
    lots::table
        .filter(lots::id.eq_any(ids))
        .order(lots::created_at.asc())
        .select(Lot::as_select())
        .load(conn)
}

/// A disposal of stock a holder has of a lot.
#[derive(Debug, Clone)]
pub struct HeldDisposal {
    /// Weight, grams.
    pub weight_g: i64,
    /// Why.
    pub reason: DisposalReason,
    /// How.
    pub method: DisposalMethod,
    /// Who handled it.
    pub handler: String,
    /// Handover slip, when handed to a disposal plant.
    pub handover_slip: Option<String>,
}

/// Record the disposal of `org`'s own quantity of a lot: it reduces what `org` holds. The caller has checked
/// that `org` has as much.
pub fn dispose_held(
    conn: &mut DbConnection,
    org: &str,
    user_id: &str,
    lot: &Lot,
    d: HeldDisposal,
) -> AppResult<Disposal> {
    let now = crate::time::now();
    let row = Disposal {
        id: uuid::Uuid::new_v4().to_string(),
        org_id: org.to_string(),
        target: DisposalTarget::Lot,
        batch_id: Some(lot.batch_id.clone()),
        lot_id: Some(lot.id.clone()),
        reason: d.reason,
        method: d.method,
        weight_g: d.weight_g,
        heads: 0,
        handler: d.handler,
        supervising_vet_id: None,
        outsourced: d.handover_slip.is_some(),
        handover_slip: d.handover_slip,
        disposed_at: now,
        recorded_by: Some(user_id.to_string()),
        recorded_at: now,
    };
    let row: Disposal = diesel::insert_into(disposals::table)
        .values(&row)
        .returning(disposals::all_columns)
        .get_result(conn)?;
    crate::audit::record(conn, Some(user_id), "dispose", &row)?;
    Ok(row)
}
