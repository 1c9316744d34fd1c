//! The records an EPCIS export is made of, read for one time range: lots made at slaughterhouses,
//! quarantine results, inspection certificates, shipments, ledger entries, disposals, recalls and splits.
//! Each is read by the time its event happened, `start <= t < end` (UTC).

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::organisations::model::{District, OrgKind};
use crate::schema::{
    disposals, inspection_certificates, ledger_entries, lot_recalls, lot_splits, lots,
    organisations, product_certificates, quarantine_results, shipment_lines, shipments,
    slaughter_batches, users,
};

use super::range::TimeRange;

/// How many ids go into one `IN (...)` list.
const CHUNK: usize = 500;

/// What names a lot in an event.
#[derive(Debug, Clone)]
pub struct LotRef {
    /// Trace code.
    pub trace_code: String,
    /// GTIN, when it has one.
    pub gtin: Option<String>,
}

/// A lot made at a slaughterhouse (not a child lot).
#[derive(Debug, Clone, Queryable)]
pub struct Commissioned {
    pub lot_id: String,
    pub trace_code: String,
    pub gtin: Option<String>,
    pub slaughterhouse_id: String,
    pub product_kind: String,
    pub product_name: String,
    pub weight_g: i64,
    pub halal: bool,
    pub storage: String,
    pub use_by: NaiveDate,
    pub created_at: NaiveDateTime,
    pub batch_id: String,
    pub batch_no: String,
    pub slaughter_date: NaiveDate,
}

/// A slaughter quarantine result, with the product certificate issued on it.
#[derive(Debug, Clone, Queryable)]
pub struct Quarantined {
    pub batch_id: String,
    pub heads_passed: i32,
    pub heads_failed: i32,
    pub recorded_at: NaiveDateTime,
    pub slaughterhouse_id: String,
    pub certificate_no: Option<String>,
}

/// An inspection certificate (广州市畜产品检验合格证).
#[derive(Debug, Clone, Queryable)]
pub struct Inspected {
    pub number: String,
    pub batch_id: String,
    pub weight_g: i64,
    pub passed: bool,
    pub inspected_at: NaiveDateTime,
    pub slaughterhouse_id: String,
}

/// A shipment with its lines (lot id, weight).
#[derive(Debug, Clone)]
pub struct Shipped {
    pub seller_id: String,
    pub buyer_id: String,
    pub voucher_no: String,
    pub recorded_at: NaiveDateTime,
    pub lines: Vec<(String, i64)>,
}

/// A purchase ledger entry.
#[derive(Debug, Clone, Queryable)]
pub struct Received {
    pub buyer_id: String,
    pub supplier_id: String,
    pub lot_id: String,
    pub weight_g: i64,
    pub recorded_at: NaiveDateTime,
}

/// A harmless disposal.
#[derive(Debug, Clone, Queryable)]
pub struct Disposed {
    pub org_id: String,
    pub target: String,
    pub batch_id: Option<String>,
    pub lot_id: Option<String>,
    pub reason: String,
    pub method: String,
    pub weight_g: i64,
    pub heads: i32,
    pub disposed_at: NaiveDateTime,
}

/// The recall of a lot, with the lot's slaughterhouse and the recalling user's organisation.
#[derive(Debug, Clone, Queryable)]
pub struct Recalled {
    pub lot_id: String,
    pub reason: String,
    pub recalled_at: NaiveDateTime,
    pub slaughterhouse_id: String,
    pub recalled_by_org: Option<String>,
}

/// One split of a held lot: the children cut from it at once (child lot id, weight).
#[derive(Debug, Clone)]
pub struct Split {
    pub parent_lot_id: String,
    pub holder_id: String,
    pub recorded_at: NaiveDateTime,
    pub children: Vec<(String, i64)>,
}

/// Everything of one range.
#[derive(Debug, Default)]
pub struct Records {
    pub commissioned: Vec<Commissioned>,
    pub quarantined: Vec<Quarantined>,
    pub inspected: Vec<Inspected>,
    pub shipped: Vec<Shipped>,
    pub received: Vec<Received>,
    pub disposed: Vec<Disposed>,
    pub recalled: Vec<Recalled>,
    pub splits: Vec<Split>,
    /// Every lot the events above name.
    pub lots: HashMap<String, LotRef>,
    /// Kind and district of every organisation.
    pub orgs: HashMap<String, (OrgKind, Option<District>)>,
}

/// Read every record of the range.
pub fn load(conn: &mut DbConnection, range: &TimeRange) -> QueryResult<Records> {
    let (start, end) = (range.start, range.end);
    let mut r = Records {
        commissioned: lots::table
            .inner_join(slaughter_batches::table)
            .filter(lots::parent_lot_id.is_null())
            .filter(lots::created_at.ge(start).and(lots::created_at.lt(end)))
            .select((
                lots::id,
                lots::trace_code,
                lots::gtin,
                lots::slaughterhouse_id,
                lots::product_kind,
                lots::product_name,
                lots::weight_g,
                lots::halal,
                lots::storage,
                lots::use_by,
                lots::created_at,
                slaughter_batches::id,
                slaughter_batches::batch_no,
                slaughter_batches::slaughter_date,
            ))
            .load(conn)?,
        quarantined: quarantine_results::table
            .inner_join(
                slaughter_batches::table.on(slaughter_batches::id.eq(quarantine_results::batch_id)),
            )
            .left_join(
                product_certificates::table
                    .on(product_certificates::quarantine_id.eq(quarantine_results::id)),
            )
            .filter(quarantine_results::recorded_at.ge(start))
            .filter(quarantine_results::recorded_at.lt(end))
            .select((
                quarantine_results::batch_id,
                quarantine_results::heads_passed,
                quarantine_results::heads_failed,
                quarantine_results::recorded_at,
                slaughter_batches::slaughterhouse_id,
                product_certificates::number.nullable(),
            ))
            .load(conn)?,
        inspected: inspection_certificates::table
            .inner_join(
                slaughter_batches::table
                    .on(slaughter_batches::id.eq(inspection_certificates::batch_id)),
            )
            .filter(inspection_certificates::inspected_at.ge(start))
            .filter(inspection_certificates::inspected_at.lt(end))
            .select((
                inspection_certificates::number,
                inspection_certificates::batch_id,
                inspection_certificates::weight_g,
                inspection_certificates::passed,
                inspection_certificates::inspected_at,
                slaughter_batches::slaughterhouse_id,
            ))
            .load(conn)?,
        shipped: load_shipments(conn, range)?,
        received: ledger_entries::table
            .filter(ledger_entries::recorded_at.ge(start))
            .filter(ledger_entries::recorded_at.lt(end))
            .select((
                ledger_entries::buyer_id,
                ledger_entries::supplier_id,
                ledger_entries::lot_id,
                ledger_entries::weight_g,
                ledger_entries::recorded_at,
            ))
            .load(conn)?,
        disposed: disposals::table
            .filter(disposals::disposed_at.ge(start))
            .filter(disposals::disposed_at.lt(end))
            .select((
                disposals::org_id,
                disposals::target,
                disposals::batch_id,
                disposals::lot_id,
                disposals::reason,
                disposals::method,
                disposals::weight_g,
                disposals::heads,
                disposals::disposed_at,
            ))
            .load(conn)?,
        recalled: lot_recalls::table
            .inner_join(lots::table.on(lots::id.eq(lot_recalls::lot_id)))
            .left_join(users::table.on(lot_recalls::recalled_by.eq(users::id.nullable())))
            .filter(lot_recalls::recalled_at.ge(start))
            .filter(lot_recalls::recalled_at.lt(end))
            .select((
                lot_recalls::lot_id,
                lot_recalls::reason,
                lot_recalls::recalled_at,
                lots::slaughterhouse_id,
                users::org_id.nullable(),
            ))
            .load(conn)?,
        splits: load_splits(conn, range)?,
        ..Records::default()
    };
    let mut wanted: Vec<String> = r
        .shipped
        .iter()
        .flat_map(|s| s.lines.iter().map(|(l, _)| l.clone()))
        .chain(r.received.iter().map(|e| e.lot_id.clone()))
        .chain(r.disposed.iter().filter_map(|d| d.lot_id.clone()))
        .chain(r.recalled.iter().map(|c| c.lot_id.clone()))
        .chain(r.splits.iter().flat_map(|s| {
            std::iter::once(s.parent_lot_id.clone()).chain(s.children.iter().map(|c| c.0.clone()))
        }))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    for chunk in wanted.chunks(CHUNK) {
        let rows: Vec<(String, String, Option<String>)> = lots::table
            .filter(lots::id.eq_any(chunk))
            .select((lots::id, lots::trace_code, lots::gtin))
            .load(conn)?;
        r.lots.extend(
            rows.into_iter()
                .map(|(id, trace_code, gtin)| (id, LotRef { trace_code, gtin })),
        );
    }
    for c in &r.commissioned {
        r.lots.insert(
            c.lot_id.clone(),
            LotRef {
                trace_code: c.trace_code.clone(),
                gtin: c.gtin.clone(),
            },
        );
    }
    let orgs: Vec<(String, OrgKind, Option<District>)> = organisations::table
        .select((
            organisations::id,
            organisations::kind,
            organisations::district,
        ))
        .load(conn)?;
    r.orgs = orgs.into_iter().map(|(id, k, d)| (id, (k, d))).collect();
    Ok(r)
}

fn load_shipments(conn: &mut DbConnection, range: &TimeRange) -> QueryResult<Vec<Shipped>> {
    type Row = (String, String, String, String, NaiveDateTime, String, i64);
    let rows: Vec<Row> = shipment_lines::table
        .inner_join(shipments::table)
        .filter(shipments::recorded_at.ge(range.start))
        .filter(shipments::recorded_at.lt(range.end))
        .select((
            shipments::id,
            shipments::seller_id,
            shipments::buyer_id,
            shipments::voucher_no,
            shipments::recorded_at,
            shipment_lines::lot_id,
            shipment_lines::weight_g,
        ))
        .load(conn)?;
    let mut by_id: BTreeMap<String, Shipped> = BTreeMap::new();
    for (id, seller_id, buyer_id, voucher_no, recorded_at, lot_id, weight_g) in rows {
        by_id
            .entry(id)
            .or_insert_with(|| Shipped {
                seller_id,
                buyer_id,
                voucher_no,
                recorded_at,
                lines: Vec::new(),
            })
            .lines
            .push((lot_id, weight_g));
    }
    Ok(by_id.into_values().collect())
}

fn load_splits(conn: &mut DbConnection, range: &TimeRange) -> QueryResult<Vec<Split>> {
    let rows: Vec<(String, String, String, NaiveDateTime, i64)> = lot_splits::table
        .inner_join(lots::table.on(lots::id.eq(lot_splits::child_lot_id)))
        .filter(lot_splits::recorded_at.ge(range.start))
        .filter(lot_splits::recorded_at.lt(range.end))
        .select((
            lot_splits::child_lot_id,
            lot_splits::parent_lot_id,
            lot_splits::holder_id,
            lot_splits::recorded_at,
            lots::weight_g,
        ))
        .load(conn)?;
    let mut groups: BTreeMap<(String, String, NaiveDateTime), Vec<(String, i64)>> = BTreeMap::new();
    for (child, parent, holder, at, weight) in rows {
        groups
            .entry((parent, holder, at))
            .or_default()
            .push((child, weight));
    }
    Ok(groups
        .into_iter()
        .map(
            |((parent_lot_id, holder_id, recorded_at), children)| Split {
                parent_lot_id,
                holder_id,
                recorded_at,
                children,
            },
        )
        .collect())
}
