//! Backward trace: from a trace code, a ledger entry or a receipt up to the lots it was cut from, the
//! batch, slaughterhouse and certificates, the intakes, the animal certificates with their origin, and the
//! ear tags seen at intake; with the shipments and holders that brought the lot to where the trace started.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;

use super::access;
use super::flow::{self, Keep};
use super::model::{node_id, NodeKind, TraceGraph, TraceStart};
use super::nodes::TraceBuilder;
use super::queries::{self, sorted, Circulation};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::ledger::model::LedgerEntry;
use crate::lots::model::Lot;
use crate::policy::Scope;
use crate::schema::{ledger_entries, receipts};

/// Where a backward trace starts.
#[derive(Debug, Clone)]
pub enum BackwardStart {
    /// A lot, by its trace code as typed or scanned.
    TraceCode(String),
    /// A purchase ledger entry, by id.
    LedgerEntry(String),
    /// A receipt, by id.
    ReceiptId(String),
    /// A receipt, by its number.
    ReceiptNo(String),
}

/// The lots (and the holder, `None` for the one that made it) where the trace ends downstream, and the
/// records kept at that end.
struct Ends {
    pairs: Vec<(Lot, Option<String>)>,
    ledger: BTreeSet<String>,
    receipts: BTreeSet<String>,
}

fn resolve(
    conn: &mut DbConnection,
    scope: &Scope,
    start: BackwardStart,
) -> AppResult<(TraceStart, Ends)> {
    let mut ends = Ends {
        pairs: Vec::new(),
        ledger: BTreeSet::new(),
        receipts: BTreeSet::new(),
    };
    let start = match start {
        BackwardStart::TraceCode(code) => {
            let lot = access::lot_by_code(conn, scope, &code)?;
            let s = TraceStart {
                kind: "trace_code".into(),
                id: lot.trace_code.clone(),
                node: node_id(NodeKind::Lot, &lot.id),
            };
            ends.pairs.push((lot, None));
            s
        }
        BackwardStart::LedgerEntry(id) => {
            let not_found = || AppError::not_found("进货台账", "ledger entry");
            let e: LedgerEntry = ledger_entries::table
                .find(&id)
                .select(LedgerEntry::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(not_found)?;
            access::require(conn, scope, std::slice::from_ref(&e.buyer_id), not_found)?;
            let lot = crate::lots::queries::find(conn, &e.lot_id)?;
            ends.pairs.push((lot, Some(e.buyer_id.clone())));
            ends.ledger.insert(e.id.clone());
            TraceStart {
                kind: "ledger_entry".into(),
                node: node_id(NodeKind::LedgerEntry, &e.id),
                id,
            }
        }
        BackwardStart::ReceiptId(_) | BackwardStart::ReceiptNo(_) => {
            let not_found = || AppError::not_found("销售凭据", "receipt");
            let number = match &start {
                BackwardStart::ReceiptId(id) => receipts::table
                    .find(id)
                    .select(receipts::number)
                    .first::<String>(conn)
                    .optional()?
                    .ok_or_else(not_found)?,
                BackwardStart::ReceiptNo(n) => n.clone(),
                _ => return Err(not_found()),
            };
            let r = crate::receipts::queries::find(conn, &number)?;
            access::require(conn, scope, std::slice::from_ref(&r.seller_id), not_found)?;
            let ids: Vec<String> = r.lines.iter().map(|l| l.lot_id.clone()).collect();
            for lot in queries::lots(conn, &ids)? {
                ends.pairs.push((lot, Some(r.seller_id.clone())));
            }
            ends.receipts.insert(r.id.clone());
            let (kind, given) = match start {
                BackwardStart::ReceiptId(id) => ("receipt", id),
                _ => ("receipt_no", r.number.clone()),
            };
            TraceStart {
                kind: kind.into(),
                id: given,
                node: node_id(NodeKind::Receipt, &r.id),
            }
        }
    };
    Ok((start, ends))
}

/// Walks from (lot, holder) back to the lot's maker, keeping the shipments, splits and holders on the way.
struct Walk<'a> {
    circ: &'a Circulation,
    lots: HashMap<String, &'a Lot>,
    keep: Keep,
}

impl Walk<'_> {
    fn bring(&mut self, lot_id: &str, holder: &str, depth: usize) {
        let Some(lot) = self.lots.get(lot_id).copied() else {
            return;
        };
        let pair = (lot_id.to_string(), holder.to_string());
        let holders = self.keep.holders.get_or_insert_with(BTreeSet::new);
        if depth > 64 || !holders.insert(pair) {
            return;
        }
        if self.circ.maker(lot) == holder {
            if let Some(parent) = &lot.parent_lot_id {
                self.bring(parent, holder, depth + 1);
            }
            return;
        }
        let came: Vec<(String, String)> = self
            .circ
            .shipments
            .iter()
            .filter(|s| s.lot_id == lot_id && s.shipment.buyer_id == holder)
            .map(|s| (s.shipment.id.clone(), s.shipment.seller_id.clone()))
            .collect();
        for (shipment, seller) in came {
            self.keep
                .shipments
                .get_or_insert_with(BTreeSet::new)
                .insert((shipment, lot_id.to_string()));
            self.bring(lot_id, &seller, depth + 1);
        }
    }
}

/// Trace backward from `start`, which must be inside `scope` (else 404, as an unknown record).
pub fn trace(
    conn: &mut DbConnection,
    scope: &Scope,
    start: BackwardStart,
) -> AppResult<TraceGraph> {
    let (start, ends) = resolve(conn, scope, start)?;
    let mut line = Vec::new();
    for (lot, _) in &ends.pairs {
        line.extend(crate::lots::queries::lineage(conn, lot)?);
    }
    let lots = queries::lots(conn, &sorted(line))?;
    let circ = queries::circulation(conn, &lots, &[], &[])?;
    let mut walk = Walk {
        circ: &circ,
        lots: lots.iter().map(|l| (l.id.clone(), l)).collect(),
        keep: Keep {
            shipments: Some(BTreeSet::new()),
            ledger: Some(ends.ledger),
            receipts: Some(ends.receipts),
            holders: Some(BTreeSet::new()),
        },
    };
    for (lot, holder) in &ends.pairs {
        let holder = holder
            .clone()
            .unwrap_or_else(|| circ.maker(lot).to_string());
        walk.bring(&lot.id, &holder, 0);
    }
    let keep = walk.keep;
    // Upstream: the batches, their intakes, the ear tags seen there and the animal certificates.
    let batch_ids = sorted(lots.iter().map(|l| l.batch_id.clone()).collect());
    let batches = queries::batches(conn, &batch_ids)?;
    let draws = queries::draws(conn, &batch_ids, &[])?;
    let intake_ids = sorted(draws.iter().map(|(_, i, _)| i.clone()).collect());
    let intakes = queries::intakes(conn, &intake_ids, &[])?;
    let seen = queries::intake_tags(conn, &intake_ids)?;
    let cert_ids = sorted(intakes.iter().map(|i| i.certificate_id.clone()).collect());
    let certificates = queries::certificates(conn, &cert_ids)?;
    let seen_tags: BTreeSet<&str> = seen.iter().map(|(_, t)| t.as_str()).collect();
    let listed: Vec<(String, String)> = queries::certificate_tags(conn, &cert_ids)?
        .into_iter()
        .filter(|(_, t)| seen_tags.contains(t.as_str()))
        .collect();
    let (products, inspections) = queries::lot_certificates(conn, &lots)?;
    let mut tb = TraceBuilder::default();
    tb.slaughter_side(&certificates, &listed, &intakes, &seen, &draws, &batches);
    tb.batch_certificates(&products, &inspections);
    flow::add(&mut tb, &lots, &circ, &keep, &products, &inspections);
    Ok(tb.finish(conn, start)?)
}
