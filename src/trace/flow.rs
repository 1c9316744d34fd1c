//! The lots of a trace and what moved them: child lots, shipments, ledger entries, receipts, disposals,
//! recalls, and what each holder still has. A forward trace keeps everything; a backward one keeps only
//! the path that brought the lot to where the trace started.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

use super::model::{attrs, node_id, NodeKind};
use super::nodes::{by_id, TraceBuilder};
use super::queries::Circulation;
use crate::batches::model::{InspectionCertificate, ProductCertificate};
use crate::lots::model::Lot;

/// What to keep of the circulation; `None` keeps everything.
#[derive(Debug, Default)]
pub struct Keep {
    /// Shipment lines, as (shipment id, lot id).
    pub shipments: Option<BTreeSet<(String, String)>>,
    /// Ledger entries.
    pub ledger: Option<BTreeSet<String>>,
    /// Receipts.
    pub receipts: Option<BTreeSet<String>>,
    /// Holders, as (lot id, organisation id); disposals are kept only when made by one of them.
    pub holders: Option<BTreeSet<(String, String)>>,
}

fn kept<T: Ord>(set: &Option<BTreeSet<T>>, item: &T) -> bool {
    set.as_ref().is_none_or(|s| s.contains(item))
}

/// Add the lots and their circulation.
pub fn add(
    tb: &mut TraceBuilder,
    lots: &[Lot],
    circ: &Circulation,
    keep: &Keep,
    products: &[ProductCertificate],
    inspections: &[InspectionCertificate],
) {
    let index = by_id(lots);
    let pc: HashMap<&str, &str> = products
        .iter()
        .map(|p| (p.id.as_str(), p.number.as_str()))
        .collect();
    let ic: HashMap<&str, &str> = inspections
        .iter()
        .map(|i| (i.id.as_str(), i.number.as_str()))
        .collect();
    for lot in lots {
        let status = circ.status(lot, &index);
        let id = tb.g.node(
            NodeKind::Lot,
            &lot.id,
            format!("{} {}", lot.trace_code, lot.product_name),
            Some(format!("lot {} ({status})", lot.trace_code)),
            attrs([
                ("trace_code", json!(lot.trace_code)),
                ("product_kind", json!(lot.product_kind)),
                ("product_name", json!(lot.product_name)),
                ("weight_g", json!(circ.weight(lot))),
                ("original_weight_g", json!(lot.weight_g)),
                ("halal", json!(lot.halal)),
                ("storage", json!(lot.storage)),
                ("use_by", json!(lot.use_by)),
                ("status", json!(status)),
                ("batch", json!(node_id(NodeKind::Batch, &lot.batch_id))),
                (
                    "parent",
                    json!(lot
                        .parent_lot_id
                        .as_ref()
                        .map(|p| node_id(NodeKind::Lot, p))),
                ),
                (
                    "product_certificate_no",
                    json!(pc.get(lot.product_certificate_id.as_str())),
                ),
                (
                    "inspection_certificate_no",
                    json!(ic.get(lot.inspection_certificate_id.as_str())),
                ),
                ("created_at", json!(crate::time::show(lot.created_at))),
            ]),
        );
        match &lot.parent_lot_id {
            None => {
                tb.g.edge(&node_id(NodeKind::Batch, &lot.batch_id), &id, "cut_into")
            }
            Some(p) if index.contains_key(p) => {
                tb.g.edge(&node_id(NodeKind::Lot, p), &id, "split_into")
            }
            // A child lot whose parent is upstream of the trace: tie it to its batch.
            Some(_) => {
                tb.g.edge(&node_id(NodeKind::Batch, &lot.batch_id), &id, "of_batch")
            }
        }
        for holder in circ.holders(lot) {
            if kept(&keep.holders, &(lot.id.clone(), holder.clone())) {
                tb.holding(&holder, lot, circ.holding(&holder, lot));
            }
        }
    }
    shipments(tb, circ, keep);
    records(tb, lots, circ, keep);
}

/// The lot lines of documents (shipments, receipts), by document; each document's node gets them as its
/// `lines` attribute, sorted by lot.
#[derive(Default)]
struct Lines<'a>(BTreeMap<&'a str, Vec<Value>>);

impl<'a> Lines<'a> {
    fn add(&mut self, doc: &'a str, lot: &str, weight_g: i64) {
        self.0
            .entry(doc)
            .or_default()
            .push(json!({"lot": lot, "weight_g": weight_g}));
    }

    fn set_on(self, tb: &mut TraceBuilder, kind: NodeKind) {
        for (id, mut l) in self.0 {
            l.sort_by_key(|v| v["lot"].as_str().unwrap_or_default().to_string());
            tb.g.set_attr(&node_id(kind, id), "lines", Value::Array(l));
        }
    }
}

fn shipments(tb: &mut TraceBuilder, circ: &Circulation, keep: &Keep) {
    let mut lines = Lines::default();
    for row in &circ.shipments {
        let s = &row.shipment;
        if !kept(&keep.shipments, &(s.id.clone(), row.lot_id.clone())) {
            continue;
        }
        let lot = node_id(NodeKind::Lot, &row.lot_id);
        lines.add(&s.id, &lot, row.weight_g);
        let seller = tb.org(&s.seller_id);
        let buyer = tb.org(&s.buyer_id);
        let id = tb.g.node(
            NodeKind::Shipment,
            &s.id,
            format!("流通 {} {}", s.voucher_no, s.ship_date),
            Some(format!("shipment {} on {}", s.voucher_no, s.ship_date)),
            attrs([
                ("voucher_no", json!(s.voucher_no)),
                ("ship_date", json!(s.ship_date)),
                ("seller", json!(seller)),
                ("buyer", json!(buyer)),
                ("recorded_at", json!(crate::time::show(s.recorded_at))),
            ]),
        );
        tb.g.edge(&lot, &id, "shipped_in");
        tb.g.edge(&seller, &id, "sent");
        tb.g.edge(&id, &buyer, "delivered_to");
    }
    lines.set_on(tb, NodeKind::Shipment);
}

fn records(tb: &mut TraceBuilder, lots: &[Lot], circ: &Circulation, keep: &Keep) {
    for e in &circ.ledger {
        if !kept(&keep.ledger, &e.id) {
            continue;
        }
        let buyer = tb.org(&e.buyer_id);
        let supplier = tb.org(&e.supplier_id);
        let id = tb.g.node(
            NodeKind::LedgerEntry,
            &e.id,
            format!(
                "进货台账 {}",
                crate::lots::labels::format_weight(e.weight_g)
            ),
            Some(format!(
                "ledger entry {}",
                crate::lots::labels::format_weight(e.weight_g)
            )),
            attrs([
                ("buyer", json!(buyer)),
                ("supplier", json!(supplier)),
                ("lot", json!(node_id(NodeKind::Lot, &e.lot_id))),
                ("weight_g", json!(e.weight_g)),
                ("product_certificate_no", json!(e.product_certificate_no)),
                (
                    "inspection_certificate_no",
                    json!(e.inspection_certificate_no),
                ),
                ("receipt_no", json!(e.receipt_no)),
                ("document_check", json!(e.document_check)),
                ("recorded_at", json!(crate::time::show(e.recorded_at))),
            ]),
        );
        tb.g.edge(&node_id(NodeKind::Lot, &e.lot_id), &id, "recorded_in");
        tb.g.edge(&buyer, &id, "kept");
    }
    let mut lines = Lines::default();
    for r in &circ.receipts {
        if !kept(&keep.receipts, &r.receipt_id) {
            continue;
        }
        let lot = node_id(NodeKind::Lot, &r.lot_id);
        lines.add(&r.receipt_id, &lot, r.weight_g);
        let seller = tb.org(&r.seller_id);
        let id = tb.g.node(
            NodeKind::Receipt,
            &r.receipt_id,
            format!("销售凭据 {}", r.number),
            Some(format!("receipt {}", r.number)),
            attrs([
                ("number", json!(r.number)),
                ("seller", json!(seller)),
                ("issued_at", json!(crate::time::show(r.issued_at))),
            ]),
        );
        tb.g.edge(&lot, &id, "sold_on");
        tb.g.edge(&seller, &id, "issued");
    }
    lines.set_on(tb, NodeKind::Receipt);
    let in_trace: BTreeSet<&str> = lots.iter().map(|l| l.id.as_str()).collect();
    for d in &circ.disposals {
        let by_holder = keep
            .holders
            .as_ref()
            .is_none_or(|h| h.iter().any(|(_, o)| *o == d.org_id));
        if !by_holder {
            continue;
        }
        let org = tb.org(&d.org_id);
        let id = tb.g.node(
            NodeKind::Disposal,
            &d.id,
            format!(
                "无害化处理 {}",
                crate::lots::labels::format_weight(d.weight_g)
            ),
            Some(format!("disposal ({}, {})", d.reason, d.method)),
            attrs([
                ("org", json!(org)),
                ("target", json!(d.target)),
                ("reason", json!(d.reason)),
                ("method", json!(d.method)),
                ("weight_g", json!(d.weight_g)),
                ("heads", json!(d.heads)),
                ("disposed_at", json!(crate::time::show(d.disposed_at))),
            ]),
        );
        match (&d.lot_id, &d.batch_id) {
            (Some(l), _) => tb.g.edge(&node_id(NodeKind::Lot, l), &id, "disposed"),
            (None, Some(b)) => tb.g.edge(&node_id(NodeKind::Batch, b), &id, "disposed"),
            (None, None) => {}
        }
        tb.g.edge(&org, &id, "disposed");
    }
    for r in &circ.recalls {
        if !in_trace.contains(r.lot_id.as_str()) {
            continue;
        }
        // One node per recall (a batch recall marks many lots); old marks without one stand alone.
        let id = tb.g.node(
            NodeKind::Recall,
            r.recall_id.as_deref().unwrap_or(&r.id),
            format!("召回 {}", r.reason),
            Some("recall".to_string()),
            attrs([
                ("reason", json!(r.reason)),
                ("recalled_at", json!(crate::time::show(r.recalled_at))),
            ]),
        );
        tb.g.edge(&node_id(NodeKind::Lot, &r.lot_id), &id, "recalled");
    }
}
