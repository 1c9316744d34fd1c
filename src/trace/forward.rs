//! Forward trace: from an animal certificate, an ear tag, a batch or a lot to every lot made of it (child
//! lots included), every shipment (any number of onward hops), ledger entry, receipt, disposal and recall,
//! with what each holder still has.

use super::access;
use super::flow::{self, Keep};
use super::model::{node_id, NodeKind, TraceGraph, TraceStart};
use super::nodes::TraceBuilder;
use super::queries::{self, sorted};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::policy::Scope;
use crate::refusal::{Code, Refusal};

/// Where a forward trace starts.
#[derive(Debug, Clone)]
pub enum ForwardStart {
    /// An animal certificate, by id.
    AnimalCertificate(String),
    /// An ear tag (15 digits).
    EarTag(String),
    /// A slaughter batch, by id.
    Batch(String),
    /// A lot, by id.
    Lot(String),
    /// A lot, by its trace code as typed or scanned.
    TraceCode(String),
}

/// What the start gave: the upstream records to show and where the lots come from.
#[derive(Default)]
struct Upstream {
    certificates: Vec<String>,
    listed: Vec<(String, String)>,
    intakes: Vec<String>,
    seen: Vec<(String, String)>,
    batches: Vec<String>,
}

fn check_tag(tag: &str) -> AppResult<()> {
    if tag.len() != 15 || !tag.chars().all(|c| c.is_ascii_digit()) {
        return Err(Refusal::of(Code::InvalidEarTag)
            .with("tag", tag)
            .at("ear_tag")
            .into());
    }
    Ok(())
}

/// Trace forward from `start`, which must be inside `scope` (else 404, as an unknown record).
pub fn trace(conn: &mut DbConnection, scope: &Scope, start: ForwardStart) -> AppResult<TraceGraph> {
    let mut up = Upstream::default();
    let mut start_lot = None;
    let (kind, given, start_node) = match start {
        ForwardStart::AnimalCertificate(id) => {
            let not_found = || AppError::not_found("动物检疫证明", "animal certificate");
            let c = queries::certificates(conn, std::slice::from_ref(&id))?;
            let c = c.into_iter().next().ok_or_else(not_found)?;
            access::require(conn, scope, &[c.destination_id], not_found)?;
            up.certificates = vec![id.clone()];
            up.listed = queries::certificate_tags(conn, &up.certificates)?;
            up.intakes = queries::intakes(conn, &[], &up.certificates)?
                .into_iter()
                .map(|i| i.id)
                .collect();
            up.seen = queries::intake_tags(conn, &up.intakes)?;
            let node = node_id(NodeKind::AnimalCertificate, &id);
            ("animal_certificate", id, node)
        }
        ForwardStart::EarTag(tag) => {
            let tag = tag.trim().to_string();
            check_tag(&tag)?;
            let not_found = || AppError::not_found("耳标", "ear tag");
            let listing = queries::certificates_listing(conn, &tag)?;
            up.intakes = sorted(queries::intakes_seeing(conn, &tag)?);
            let intakes = queries::intakes(conn, &up.intakes, &[])?;
            let mut owners: Vec<String> = intakes
                .iter()
                .map(|i| i.slaughterhouse_id.clone())
                .collect();
            owners.extend(
                queries::certificates(conn, &listing)?
                    .into_iter()
                    .map(|c| c.destination_id),
            );
            if owners.is_empty() {
                return Err(not_found());
            }
            access::require(conn, scope, &owners, not_found)?;
            up.listed = listing.iter().map(|c| (c.clone(), tag.clone())).collect();
            up.seen = up
                .intakes
                .iter()
                .map(|i| (i.clone(), tag.clone()))
                .collect();
            let mut certs = listing;
            certs.extend(intakes.into_iter().map(|i| i.certificate_id));
            up.certificates = sorted(certs);
            let node = node_id(NodeKind::EarTag, &tag);
            ("ear_tag", tag, node)
        }
        ForwardStart::Batch(id) => {
            let not_found = || AppError::not_found("屠宰批次", "batch");
            let b = queries::batches(conn, std::slice::from_ref(&id))?;
            let b = b.into_iter().next().ok_or_else(not_found)?;
            access::require(conn, scope, &[b.slaughterhouse_id], not_found)?;
            up.batches = vec![id.clone()];
            let node = node_id(NodeKind::Batch, &id);
            ("batch", id, node)
        }
        ForwardStart::Lot(id) => {
            let lot = access::lot_by_id(conn, scope, &id)?;
            let node = node_id(NodeKind::Lot, &lot.id);
            start_lot = Some(lot);
            ("lot", id, node)
        }
        ForwardStart::TraceCode(code) => {
            let lot = access::lot_by_code(conn, scope, &code)?;
            let node = node_id(NodeKind::Lot, &lot.id);
            let code = lot.trace_code.clone();
            start_lot = Some(lot);
            ("trace_code", code, node)
        }
    };
    // Upstream of the batches: only what the start named (a certificate and its intakes, an ear tag).
    let intakes = queries::intakes(conn, &up.intakes, &[])?;
    let intake_ids: Vec<String> = intakes.iter().map(|i| i.id.clone()).collect();
    let certificates = queries::certificates(conn, &up.certificates)?;
    let draws = if intake_ids.is_empty() {
        Vec::new()
    } else {
        queries::draws(conn, &[], &intake_ids)?
    };
    let from_lot = start_lot.is_some();
    let (lots, ancestors, batch_ids) = match start_lot {
        Some(lot) => {
            let ancestors = crate::lots::queries::lineage(conn, &lot)?
                .into_iter()
                .skip(1)
                .collect();
            let batch = vec![lot.batch_id.clone()];
            (
                queries::with_descendants(conn, vec![lot])?,
                ancestors,
                batch,
            )
        }
        None => {
            let mut b = up.batches.clone();
            b.extend(draws.iter().map(|(batch, _, _)| batch.clone()));
            let b = sorted(b);
            (queries::lots_of_batches(conn, &b)?, Vec::new(), b)
        }
    };
    let batches = queries::batches(conn, &batch_ids)?;
    let mut tb = TraceBuilder::default();
    tb.slaughter_side(
        &certificates,
        &up.listed,
        &intakes,
        &up.seen,
        &draws,
        &batches,
    );
    // Disposals of a batch's own heads belong to a trace of the batch, not of one of its lots.
    let whole_batches: &[String] = if from_lot { &[] } else { &batch_ids };
    let circ = queries::circulation(conn, &lots, whole_batches, &ancestors)?;
    let (products, inspections) = queries::lot_certificates(conn, &lots)?;
    tb.batch_certificates(&products, &inspections);
    flow::add(
        &mut tb,
        &lots,
        &circ,
        &Keep::default(),
        &products,
        &inspections,
    );
    Ok(tb.finish(
        conn,
        TraceStart {
            kind: kind.to_string(),
            id: given,
            node: start_node,
        },
    )?)
}
