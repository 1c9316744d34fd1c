//! Disposal queries and the questions other modules ask: are a batch's failed heads all disposed of, is a
//! lot closed?

use diesel::prelude::*;

use super::model::{Disposal, DisposalTarget};
use crate::audit;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::refusal::{Code, Refusal};
use crate::schema::{
    disposals, lots, quarantine_results, slaughter_batches, users, vet_assignments,
};

/// Record a disposal after checking it (audited). `d.org_id` is the slaughterhouse disposing.
pub fn create(conn: &mut DbConnection, actor: &str, d: Disposal) -> AppResult<Disposal> {
    if d.outsourced && d.handover_slip.is_none() {
        return Err(Refusal::of(Code::HandoverSlipRequired)
            .at("handover_slip")
            .into());
    }
    let vet = d
        .supervising_vet_id
        .clone()
        .ok_or_else(|| Refusal::of(Code::SupervisingVetRequired).at("supervising_vet_id"))?;
    let vet_ok: i64 = users::table
        .inner_join(vet_assignments::table.on(vet_assignments::vet_id.eq(users::id)))
        .filter(users::id.eq(&vet))
        .filter(users::role.eq(crate::policy::Role::OfficialVet))
        .filter(vet_assignments::slaughterhouse_id.eq(&d.org_id))
        .filter(vet_assignments::ended_at.is_null())
        .count()
        .get_result(conn)?;
    if vet_ok == 0 {
        return Err(Refusal::of(Code::SupervisorNotAssignedVet)
            .at("supervising_vet_id")
            .into());
    }
    match d.target {
        DisposalTarget::Lot => {
            let lot_id = d.lot_id.clone().unwrap_or_default();
            let house: Option<String> = lots::table
                .find(&lot_id)
                .select(lots::slaughterhouse_id)
                .first(conn)
                .optional()?;
            if house.as_deref() != Some(d.org_id.as_str()) {
                return Err(AppError::not_found("批次产品", "lot"));
            }
            crate::lots::queries::refuse_if_closed(conn, &lot_id)?;
            let weight = crate::lots::queries::effective_weight(conn, &lot_id)?;
            if d.weight_g > weight {
                return Err(Refusal::of(Code::DisposalExceedsLot)
                    .with("weight_g", d.weight_g)
                    .with("weight", weight)
                    .at("weight_g")
                    .into());
            }
        }
        DisposalTarget::Batch | DisposalTarget::FailedHeads => {
            let batch_id = d.batch_id.clone().unwrap_or_default();
            let (house, heads): (String, i32) = slaughter_batches::table
                .find(&batch_id)
                .select((
                    slaughter_batches::slaughterhouse_id,
                    slaughter_batches::heads,
                ))
                .first(conn)
                .optional()?
                .ok_or_else(|| AppError::not_found("屠宰批次", "batch"))?;
            if house != d.org_id {
                return Err(AppError::not_found("屠宰批次", "batch"));
            }
            if d.target == DisposalTarget::FailedHeads {
                let (failed, disposed) = failed_heads(conn, &batch_id)?;
                if d.heads <= 0 || i64::from(d.heads) > failed - disposed {
                    return Err(Refusal::of(Code::DisposalExceedsFailedHeads)
                        .with("failed", failed)
                        .with("disposed", disposed)
                        .with("heads", d.heads)
                        .at("heads")
                        .into());
                }
            } else if d.heads > heads {
                return Err(Refusal::of(Code::DisposalExceedsBatch)
                    .with("heads", heads)
                    .at("heads")
                    .into());
            }
        }
    }
    let d: Disposal = diesel::insert_into(disposals::table)
        .values(&d)
        .returning(disposals::all_columns)
        .get_result(conn)?;
    audit::record(conn, Some(actor), "create", &d)?;
    Ok(d)
}

/// Heads of a batch that failed quarantine, and how many of them have a disposal record.
pub fn failed_heads(conn: &mut DbConnection, batch_id: &str) -> QueryResult<(i64, i64)> {
    let failed: Option<i32> = quarantine_results::table
        .filter(quarantine_results::batch_id.eq(batch_id))
        .select(quarantine_results::heads_failed)
        .first(conn)
        .optional()?;
    let disposed: Vec<i32> = disposals::table
        .filter(disposals::batch_id.eq(batch_id))
        .filter(disposals::target.eq(DisposalTarget::FailedHeads))
        .select(disposals::heads)
        .load(conn)?;
    Ok((
        i64::from(failed.unwrap_or(0)),
        disposed.into_iter().map(i64::from).sum(),
    ))
}

/// May lots of this batch ship? Only when every failed head has a disposal record (art. 五).
pub fn failed_heads_all_disposed(conn: &mut DbConnection, batch_id: &str) -> QueryResult<bool> {
    let (failed, disposed) = failed_heads(conn, batch_id)?;
    Ok(disposed >= failed)
}

/// Disposals of a batch and its lots.
pub fn of_batch(conn: &mut DbConnection, batch_id: &str) -> QueryResult<Vec<Disposal>> {
    disposals::table
        .filter(disposals::batch_id.eq(batch_id))
        .order(disposals::disposed_at.asc())
        .select(Disposal::as_select())
        .load(conn)
}

/// Every disposal (for audit verification).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Disposal>> {
    disposals::table.select(Disposal::as_select()).load(conn)
}

/// The batch a lot was made from, if the lot exists.
pub fn batch_of_lot(conn: &mut DbConnection, lot_id: &str) -> QueryResult<Option<String>> {
    lots::table
        .find(lot_id)
        .select(lots::batch_id)
        .first::<String>(conn)
        .optional()
}
