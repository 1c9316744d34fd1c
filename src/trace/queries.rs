//! Loading what a trace needs, one layer at a time: every query takes the ids of a whole layer (`eq_any`),
//! never one record per query, so a trace costs a few dozen queries whatever the size of the chain.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::batches::model::{InspectionCertificate, ProductCertificate, SlaughterBatch};
use crate::certificates::model::AnimalCertificate;
use crate::db::DbConnection;
use crate::disposals::model::Disposal;
use crate::intake::model::Intake;
use crate::ledger::model::LedgerEntry;
use crate::lots::model::Lot;
use crate::organisations::model::Organisation;
use crate::recalls::model::LotRecall;
use crate::schema::{
    animal_certificate_ear_tags, animal_certificates, batch_intakes, disposals,
    inspection_certificates, intake_ear_tags, intakes, ledger_entries, lot_recalls, lot_splits,
    lots, organisations, product_certificates, receipt_lines, receipts, shipment_lines, shipments,
    slaughter_batches,
};
use crate::shipments::model::Shipment;

/// Deepest chain of splits followed (as [`crate::lots::queries::lineage`]).
pub const MAX_GENERATIONS: usize = 16;

/// Batches by id.
pub fn batches(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<SlaughterBatch>> {
    slaughter_batches::table
        .filter(slaughter_batches::id.eq_any(ids))
        .select(SlaughterBatch::as_select())
        .load(conn)
}

/// Heads drawn by batches from intakes: `(batch, intake, heads)`, for the batches or the intakes given.
pub fn draws(
    conn: &mut DbConnection,
    batch_ids: &[String],
    intake_ids: &[String],
) -> QueryResult<Vec<(String, String, i32)>> {
    batch_intakes::table
        .filter(
            batch_intakes::batch_id
                .eq_any(batch_ids)
                .or(batch_intakes::intake_id.eq_any(intake_ids)),
        )
        .select((
            batch_intakes::batch_id,
            batch_intakes::intake_id,
            batch_intakes::heads,
        ))
        .load(conn)
}

/// Intakes by id, or on the certificates given.
pub fn intakes(
    conn: &mut DbConnection,
    ids: &[String],
    certificate_ids: &[String],
) -> QueryResult<Vec<Intake>> {
    intakes::table
        .filter(
            intakes::id
                .eq_any(ids)
                .or(intakes::certificate_id.eq_any(certificate_ids)),
        )
        .select(Intake::as_select())
        .load(conn)
}

/// Ear tags seen at the intakes given: `(intake, ear tag)`.
pub fn intake_tags(
    conn: &mut DbConnection,
    intake_ids: &[String],
) -> QueryResult<Vec<(String, String)>> {
    intake_ear_tags::table
        .filter(intake_ear_tags::intake_id.eq_any(intake_ids))
        .select((intake_ear_tags::intake_id, intake_ear_tags::ear_tag))
        .load(conn)
}

/// Intakes that saw an ear tag.
pub fn intakes_seeing(conn: &mut DbConnection, tag: &str) -> QueryResult<Vec<String>> {
    intake_ear_tags::table
        .filter(intake_ear_tags::ear_tag.eq(tag))
        .select(intake_ear_tags::intake_id)
        .load(conn)
}

/// Animal certificates by id.
pub fn certificates(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<Vec<AnimalCertificate>> {
    animal_certificates::table
        .filter(animal_certificates::id.eq_any(ids))
        .select(AnimalCertificate::as_select())
        .load(conn)
}

/// Ear tags listed on the certificates given: `(certificate, ear tag)`.
pub fn certificate_tags(
    conn: &mut DbConnection,
    certificate_ids: &[String],
) -> QueryResult<Vec<(String, String)>> {
    animal_certificate_ear_tags::table
        .filter(animal_certificate_ear_tags::certificate_id.eq_any(certificate_ids))
        .select((
            animal_certificate_ear_tags::certificate_id,
            animal_certificate_ear_tags::ear_tag,
        ))
        .load(conn)
}

/// Certificates listing an ear tag.
pub fn certificates_listing(conn: &mut DbConnection, tag: &str) -> QueryResult<Vec<String>> {
    animal_certificate_ear_tags::table
        .filter(animal_certificate_ear_tags::ear_tag.eq(tag))
        .select(animal_certificate_ear_tags::certificate_id)
        .load(conn)
}

/// Ids sorted, each once.
pub fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// The product and inspection certificates the lots were cut under.
pub fn lot_certificates(
    conn: &mut DbConnection,
    lots: &[Lot],
) -> QueryResult<(Vec<ProductCertificate>, Vec<InspectionCertificate>)> {
    let products = product_certificates(
        conn,
        &sorted(
            lots.iter()
                .map(|l| l.product_certificate_id.clone())
                .collect(),
        ),
    )?;
    let inspections = inspection_certificates(
        conn,
        &sorted(
            lots.iter()
                .map(|l| l.inspection_certificate_id.clone())
                .collect(),
        ),
    )?;
    Ok((products, inspections))
}

/// Product certificates (产品A/B) by id.
pub fn product_certificates(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<Vec<ProductCertificate>> {
    product_certificates::table
        .filter(product_certificates::id.eq_any(ids))
        .select(ProductCertificate::as_select())
        .load(conn)
}

/// Inspection certificates by id.
pub fn inspection_certificates(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<Vec<InspectionCertificate>> {
    inspection_certificates::table
        .filter(inspection_certificates::id.eq_any(ids))
        .select(InspectionCertificate::as_select())
        .load(conn)
}

/// Lots by id.
pub fn lots(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<Lot>> {
    lots::table
        .filter(lots::id.eq_any(ids))
        .select(Lot::as_select())
        .load(conn)
}

/// Every lot of the batches given, child lots split from them included (they keep their batch).
pub fn lots_of_batches(conn: &mut DbConnection, batch_ids: &[String]) -> QueryResult<Vec<Lot>> {
    lots::table
        .filter(lots::batch_id.eq_any(batch_ids))
        .select(Lot::as_select())
        .load(conn)
}

/// The lots given and every lot split from them, generation by generation.
pub fn with_descendants(conn: &mut DbConnection, start: Vec<Lot>) -> QueryResult<Vec<Lot>> {
    let mut all = start;
    let mut frontier: Vec<String> = all.iter().map(|l| l.id.clone()).collect();
    for _ in 0..MAX_GENERATIONS {
        if frontier.is_empty() {
            break;
        }
        let children: Vec<Lot> = lots::table
            .filter(lots::parent_lot_id.eq_any(&frontier))
            .select(Lot::as_select())
            .load(conn)?;
        frontier = children.iter().map(|l| l.id.clone()).collect();
        all.extend(children);
    }
    Ok(all)
}

/// Organisations by id.
pub fn organisations(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<HashMap<String, Organisation>> {
    Ok(organisations::table
        .filter(organisations::id.eq_any(ids))
        .select(Organisation::as_select())
        .load::<Organisation>(conn)?
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect())
}

/// One line of a shipment, with its shipment.
#[derive(Debug, Clone)]
pub struct ShipmentLineRow {
    /// The shipment.
    pub shipment: Shipment,
    /// The lot.
    pub lot_id: String,
    /// Weight, grams.
    pub weight_g: i64,
}

/// One line of a receipt, with its receipt.
#[derive(Debug, Clone)]
pub struct ReceiptLineRow {
    /// Receipt id.
    pub receipt_id: String,
    /// Receipt number.
    pub number: String,
    /// The seller.
    pub seller_id: String,
    /// When (UTC).
    pub issued_at: NaiveDateTime,
    /// The lot.
    pub lot_id: String,
    /// Weight sold, grams.
    pub weight_g: i64,
}

/// A split: the child lot, the lot it was cut from, the holder that cut it.
#[derive(Debug, Clone, Queryable)]
pub struct SplitRow {
    /// Child lot.
    pub child: String,
    /// Parent lot.
    pub parent: String,
    /// The holder that split it.
    pub holder: String,
}

/// Everything that moved the lots of a trace after slaughter.
#[derive(Debug, Default)]
pub struct Circulation {
    /// Shipment lines of the lots.
    pub shipments: Vec<ShipmentLineRow>,
    /// Ledger entries of the lots.
    pub ledger: Vec<LedgerEntry>,
    /// Receipt lines of the lots.
    pub receipts: Vec<ReceiptLineRow>,
    /// Disposals of the lots (and, when asked, of the batches' heads).
    pub disposals: Vec<Disposal>,
    /// Recalls of the lots and of the lots they were cut from.
    pub recalls: Vec<LotRecall>,
    /// Splits into or out of the lots.
    pub splits: Vec<SplitRow>,
    /// Weight in force (after corrections) of the lots and of every child split from them.
    pub weights: HashMap<String, i64>,
}

/// Load the circulation of `list`. `batch_disposals`: batches whose own disposals (failed heads, whole
/// batch) belong in the trace; `ancestors`: lots upstream of `list` whose recall also recalls it.
pub fn circulation(
    conn: &mut DbConnection,
    list: &[Lot],
    batch_disposals: &[String],
    ancestors: &[String],
) -> QueryResult<Circulation> {
    let ids: Vec<String> = list.iter().map(|l| l.id.clone()).collect();
    let shipments = shipment_lines::table
        .inner_join(shipments::table)
        .filter(shipment_lines::lot_id.eq_any(&ids))
        .select((
            Shipment::as_select(),
            shipment_lines::lot_id,
            shipment_lines::weight_g,
        ))
        .load::<(Shipment, String, i64)>(conn)?
        .into_iter()
        .map(|(shipment, lot_id, weight_g)| ShipmentLineRow {
            shipment,
            lot_id,
            weight_g,
        })
        .collect();
    let ledger = ledger_entries::table
        .filter(ledger_entries::lot_id.eq_any(&ids))
        .select(LedgerEntry::as_select())
        .load(conn)?;
    let receipts = receipt_lines::table
        .inner_join(receipts::table)
        .filter(receipt_lines::lot_id.eq_any(&ids))
        .select((
            receipts::id,
            receipts::number,
            receipts::seller_id,
            receipts::issued_at,
            receipt_lines::lot_id,
            receipt_lines::weight_g,
        ))
        .load::<(String, String, String, NaiveDateTime, String, i64)>(conn)?
        .into_iter()
        .map(
            |(receipt_id, number, seller_id, issued_at, lot_id, weight_g)| ReceiptLineRow {
                receipt_id,
                number,
                seller_id,
                issued_at,
                lot_id,
                weight_g,
            },
        )
        .collect();
    let disposals = disposals::table
        .filter(
            disposals::lot_id.eq_any(&ids).or(disposals::lot_id
                .is_null()
                .and(disposals::batch_id.eq_any(batch_disposals))),
        )
        .select(Disposal::as_select())
        .load(conn)?;
    let mut recalled_ids = ids.clone();
    recalled_ids.extend(ancestors.iter().cloned());
    // Only recalls that stand: a withdrawn one no longer recalls anything.
    let recalls = lot_recalls::table
        .left_join(
            crate::schema::recall_withdrawals::table.on(
                crate::schema::recall_withdrawals::recall_id
                    .nullable()
                    .eq(lot_recalls::recall_id),
            ),
        )
        .filter(lot_recalls::lot_id.eq_any(&recalled_ids))
        .filter(crate::schema::recall_withdrawals::recall_id.is_null())
        .select(LotRecall::as_select())
        .load(conn)?;
    let splits: Vec<SplitRow> = lot_splits::table
        .filter(
            lot_splits::child_lot_id
                .eq_any(&ids)
                .or(lot_splits::parent_lot_id.eq_any(&ids)),
        )
        .select((
            lot_splits::child_lot_id,
            lot_splits::parent_lot_id,
            lot_splits::holder_id,
        ))
        .load(conn)?;
    // Children split off the lots but outside the trace still count in their parent's balance.
    let mut weighed: Vec<Lot> = list.to_vec();
    let missing: Vec<String> = splits
        .iter()
        .filter(|s| !ids.contains(&s.child))
        .map(|s| s.child.clone())
        .collect();
    if !missing.is_empty() {
        weighed.extend(lots(conn, &missing)?);
    }
    let weights = crate::lots::queries::weights_in_force(conn, &weighed)?;
    Ok(Circulation {
        shipments,
        ledger,
        receipts,
        disposals,
        recalls,
        splits,
        weights: weighed.into_iter().map(|l| l.id).zip(weights).collect(),
    })
}
