//! What a recall reaches and whom it tells: the lots of a lot, batch or animal certificate (with every lot
//! split from them), the marks on them, one notice per holder and lot with what the holder still has, and the
//! withdrawal; the holders' notices and their answers.

use std::collections::HashSet;

use super::model::{
    LotRecall, ReachedLot, Recall, RecallMade, RecallNotice, RecallResponse, RecallScope,
    RecallWithdrawal, ResponseKind,
};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::lots::model::{Lot, LotStatus};
use crate::paging::PageParams;
use crate::refusal::Code;
use crate::schema::{
    animal_certificates, batch_intakes, intakes, lot_recalls, lots, recall_notices,
    recall_responses, recall_withdrawals, recalls, shipment_lines, shipments, slaughter_batches,
};
use crate::stock::queries as stock;
use diesel::prelude::*;

/// Deepest chain of splits followed.
const MAX_DEPTH: usize = 16;

/// The lots given, followed by every lot split from them (children, then theirs), each once.
pub fn with_descendants(conn: &mut DbConnection, roots: Vec<Lot>) -> QueryResult<Vec<Lot>> {
    let mut seen: HashSet<String> = roots.iter().map(|l| l.id.clone()).collect();
    let mut frontier: Vec<String> = roots.iter().map(|l| l.id.clone()).collect();
    let mut out = roots;
    for _ in 0..MAX_DEPTH {
        if frontier.is_empty() {
            break;
        }
        let children: Vec<Lot> = lots::table
            .filter(lots::parent_lot_id.eq_any(&frontier))
            .order((lots::created_at.asc(), lots::id.asc()))
            .select(Lot::as_select())
            .load(conn)?;
        frontier.clear();
        for c in children {
            if seen.insert(c.id.clone()) {
                frontier.push(c.id.clone());
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// The batches drawing on an intake of an animal certificate, oldest first.
pub fn batches_of_certificate(conn: &mut DbConnection, cert_id: &str) -> QueryResult<Vec<String>> {
    let mut ids: Vec<String> = batch_intakes::table
        .inner_join(intakes::table)
        .filter(intakes::certificate_id.eq(cert_id))
        .select(batch_intakes::batch_id)
        .load(conn)?;
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The lots a recall of `scope` reaches: the lot, the lots of the batch, or the lots of every batch drawing on
/// the certificate, each with every lot split from it.
pub fn reach(conn: &mut DbConnection, scope: RecallScope, scope_id: &str) -> AppResult<Vec<Lot>> {
    let roots = match scope {
        RecallScope::Lot => vec![crate::lots::queries::find(conn, scope_id)?],
        RecallScope::Batch => crate::lots::queries::of_batch(conn, scope_id)?,
        RecallScope::AnimalCertificate => {
            let mut all = Vec::new();
            for b in batches_of_certificate(conn, scope_id)? {
                all.extend(crate::lots::queries::of_batch(conn, &b)?);
            }
            all
        }
    };
    Ok(with_descendants(conn, roots)?)
}

/// Everyone who may have some of the lot: the slaughterhouse that made it (only while it still holds some) or
/// the holder that split it, and every organisation it was shipped to, recorded or not.
fn holders(conn: &mut DbConnection, lot: &Lot) -> AppResult<Vec<(String, i64)>> {
    let mut out = Vec::new();
    match stock::split_holder(conn, &lot.id)? {
        Some(h) => {
            let w = stock::still_has(conn, &h, lot)?.max(0);
            out.push((h, w));
        }
        None => {
            let w = stock::still_has(conn, &lot.slaughterhouse_id, lot)?.max(0);
            if w > 0 {
                out.push((lot.slaughterhouse_id.clone(), w));
            }
        }
    }
    let mut buyers: Vec<String> = shipment_lines::table
        .inner_join(shipments::table)
        .filter(shipment_lines::lot_id.eq(&lot.id))
        .select(shipments::buyer_id)
        .load(conn)?;
    buyers.sort();
    buyers.dedup();
    for b in buyers {
        if !out.iter().any(|(h, _)| *h == b) {
            let w = stock::still_has(conn, &b, lot)?.max(0);
            out.push((b, w));
        }
    }
    Ok(out)
}

/// Make a recall: mark every lot reached that is not disposed of (again, if an earlier recall stands), and
/// send a notice to every holder of every lot reached. Refused (409 `nothing_to_recall`) when no lot reached
/// is still active.
pub fn create(conn: &mut DbConnection, recall: Recall, reached: Vec<Lot>) -> AppResult<RecallMade> {
    let mut statuses = Vec::new();
    for l in &reached {
        stock::lock_lot(conn, &l.id)?;
        statuses.push(stock::status(conn, l)?);
    }
    if !statuses.contains(&LotStatus::Active) {
        return Err(Code::NothingToRecall.into());
    }
    let recall: Recall = diesel::insert_into(recalls::table)
        .values(&recall)
        .returning(recalls::all_columns)
        .get_result(conn)?;
    let by = recall.recalled_by.clone();
    crate::audit::record(conn, by.as_deref(), "recall", &recall)?;
    let mut lots_out = Vec::new();
    let mut notices = Vec::new();
    for (lot, before) in reached.iter().zip(statuses) {
        let marked = before != LotStatus::Disposed;
        if marked {
            let mark = LotRecall {
                id: uuid::Uuid::new_v4().to_string(),
                lot_id: lot.id.clone(),
                reason: recall.reason.clone(),
                recalled_by: by.clone(),
                recalled_at: recall.recalled_at,
                recall_id: Some(recall.id.clone()),
            };
            let mark: LotRecall = diesel::insert_into(lot_recalls::table)
                .values(&mark)
                .returning(lot_recalls::all_columns)
                .get_result(conn)?;
            crate::audit::record(conn, by.as_deref(), "recall", &mark)?;
        }
        for (holder_id, weight) in holders(conn, lot)? {
            let n = RecallNotice {
                id: uuid::Uuid::new_v4().to_string(),
                recall_id: recall.id.clone(),
                holder_id,
                lot_id: lot.id.clone(),
                weight_to_pull_g: weight,
                notified_at: recall.recalled_at,
            };
            let n: RecallNotice = diesel::insert_into(recall_notices::table)
                .values(&n)
                .returning(recall_notices::all_columns)
                .get_result(conn)?;
            crate::audit::record(conn, by.as_deref(), "notify", &n)?;
            notices.push(n);
        }
        lots_out.push(ReachedLot {
            lot_id: lot.id.clone(),
            trace_code: lot.trace_code.clone(),
            product_name: lot.product_name.clone(),
            parent_lot_id: lot.parent_lot_id.clone(),
            status: stock::status(conn, lot)?,
            marked,
        });
    }
    Ok(RecallMade {
        recall,
        lots: lots_out,
        notices,
    })
}

/// One recall.
pub fn find(conn: &mut DbConnection, id: &str) -> AppResult<Recall> {
    recalls::table
        .find(id)
        .select(Recall::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("召回", "recall"))
}

/// The withdrawal of a recall, if it was withdrawn.
pub fn withdrawal(conn: &mut DbConnection, id: &str) -> QueryResult<Option<RecallWithdrawal>> {
    recall_withdrawals::table
        .find(id)
        .select(RecallWithdrawal::as_select())
        .first(conn)
        .optional()
}

/// The lots a recall reaches as it reads now: those reached by its scope that existed when it was made, and
/// whether it marked them.
pub fn reached_lots(conn: &mut DbConnection, recall: &Recall) -> AppResult<Vec<ReachedLot>> {
    let marked: HashSet<String> = lot_recalls::table
        .filter(lot_recalls::recall_id.eq(&recall.id))
        .select(lot_recalls::lot_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut out = Vec::new();
    for lot in reach(conn, recall.scope, &recall.scope_id)? {
        if lot.created_at > recall.recalled_at {
            continue;
        }
        out.push(ReachedLot {
            status: stock::status(conn, &lot)?,
            marked: marked.contains(&lot.id),
            lot_id: lot.id,
            trace_code: lot.trace_code,
            product_name: lot.product_name,
            parent_lot_id: lot.parent_lot_id,
        });
    }
    Ok(out)
}

/// Withdraw a recall made in error (once: 409 `recall_withdrawn` after that).
pub fn withdraw(conn: &mut DbConnection, w: RecallWithdrawal) -> AppResult<RecallWithdrawal> {
    if withdrawal(conn, &w.recall_id)?.is_some() {
        return Err(already_withdrawn());
    }
    let w: RecallWithdrawal = diesel::insert_into(recall_withdrawals::table)
        .values(&w)
        .returning(recall_withdrawals::all_columns)
        .get_result(conn)?;
    crate::audit::record(conn, w.withdrawn_by.as_deref(), "withdraw", &w)?;
    Ok(w)
}

/// The refusal of anything done to a withdrawn recall.
pub fn already_withdrawn() -> AppError {
    Code::RecallWithdrawn.into()
}

/// The slaughterhouse whose record `scope_id` is (the lot's or the batch's slaughterhouse, the certificate's
/// destination), if the record exists.
pub fn house_of(
    conn: &mut DbConnection,
    scope: RecallScope,
    scope_id: &str,
) -> AppResult<Option<String>> {
    Ok(match scope {
        RecallScope::Lot => Some(crate::lots::queries::find(conn, scope_id)?.slaughterhouse_id),
        RecallScope::Batch => slaughter_batches::table
            .find(scope_id)
            .select(slaughter_batches::slaughterhouse_id)
            .first::<String>(conn)
            .optional()?,
        RecallScope::AnimalCertificate => animal_certificates::table
            .find(scope_id)
            .select(animal_certificates::destination_id)
            .first::<String>(conn)
            .optional()?,
    })
}

/// One page of the recalls of these slaughterhouses, newest first, each with whether it stands (not
/// withdrawn); and how many there are.
pub fn page_of(
    conn: &mut DbConnection,
    houses: &[String],
    page: PageParams,
) -> QueryResult<(Vec<(Recall, bool)>, i64)> {
    let total = recalls::table
        .filter(recalls::slaughterhouse_id.eq_any(houses))
        .count()
        .get_result(conn)?;
    let rows: Vec<(Recall, Option<String>)> = recalls::table
        .left_join(recall_withdrawals::table)
        .filter(recalls::slaughterhouse_id.eq_any(houses))
        .order((recalls::recalled_at.desc(), recalls::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select((
            Recall::as_select(),
            recall_withdrawals::recall_id.nullable(),
        ))
        .load(conn)?;
    let items = rows.into_iter().map(|(r, w)| (r, w.is_none())).collect();
    Ok((items, total))
}

/// One notice of `org`; another organisation's is not found.
pub fn own_notice(conn: &mut DbConnection, org: &str, id: &str) -> AppResult<RecallNotice> {
    recall_notices::table
        .find(id)
        .filter(recall_notices::holder_id.eq(org))
        .select(RecallNotice::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("召回通知", "notification"))
}

/// Has this notice been acknowledged?
pub fn acknowledged(conn: &mut DbConnection, notice_id: &str) -> QueryResult<bool> {
    let done: i64 = recall_responses::table
        .filter(recall_responses::notice_id.eq(notice_id))
        .filter(recall_responses::kind.eq(ResponseKind::Acknowledged))
        .count()
        .get_result(conn)?;
    Ok(done > 0)
}

/// The grams reported pulled or disposed of under this notice so far.
pub fn reported(conn: &mut DbConnection, notice_id: &str) -> QueryResult<i64> {
    let so_far: Vec<(i64, i64)> = recall_responses::table
        .filter(recall_responses::notice_id.eq(notice_id))
        .filter(recall_responses::kind.eq(ResponseKind::Report))
        .select((recall_responses::pulled_g, recall_responses::disposed_g))
        .load(conn)?;
    Ok(so_far.iter().map(|(p, d)| p + d).sum())
}

/// Record a holder's answer to a notice: an acknowledgement or a report (audited).
pub fn respond(conn: &mut DbConnection, r: RecallResponse) -> AppResult<RecallResponse> {
    let r: RecallResponse = diesel::insert_into(recall_responses::table)
        .values(&r)
        .returning(recall_responses::all_columns)
        .get_result(conn)?;
    let action = match r.kind {
        ResponseKind::Acknowledged => "acknowledge",
        ResponseKind::Report => "report",
    };
    crate::audit::record(conn, r.responded_by.as_deref(), action, &r)?;
    Ok(r)
}
