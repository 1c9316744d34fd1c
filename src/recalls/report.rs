//! The recall report (who has acknowledged, what each holder pulled or disposed of, what is still out) and the
//! notices as a holder reads them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{
    ReachedLot, Recall, RecallNotice, RecallResponse, RecallScope, RecallWithdrawal, ResponseKind,
};
use super::queries;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::schema::{lots, organisations, recall_notices, recall_responses, users};

/// Where one notice stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeState {
    /// The notice.
    pub notice_id: String,
    /// The lot.
    pub lot_id: String,
    /// Its trace code.
    pub trace_code: String,
    /// Product name.
    pub product_name: String,
    /// What the holder had when notified, to pull from sale (grams).
    pub weight_to_pull_g: i64,
    /// When it was notified (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub notified_at: NaiveDateTime,
    /// Has the holder acknowledged it?
    pub acknowledged: bool,
    /// When (China time).
    #[serde(with = "crate::time::china_time::option")]
    #[schema(value_type = Option<String>)]
    pub acknowledged_at: Option<NaiveDateTime>,
    /// By whom (login name).
    pub acknowledged_by: Option<String>,
    /// Reported pulled from sale, grams.
    pub pulled_g: i64,
    /// Reported disposed of, grams.
    pub disposed_g: i64,
    /// Still out: what was to pull less what was reported pulled or disposed of (never below 0).
    pub still_out_g: i64,
    /// What the holder has of the lot now, by the records.
    pub holds_now_g: i64,
}

/// One holder in a recall report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HolderReport {
    /// The holder.
    pub org_id: String,
    /// Its name.
    pub org_name: String,
    /// Has it acknowledged every notice?
    pub acknowledged: bool,
    /// Weight to pull, grams, over its notices.
    pub weight_to_pull_g: i64,
    /// Reported pulled, grams.
    pub pulled_g: i64,
    /// Reported disposed of, grams.
    pub disposed_g: i64,
    /// Still out, grams.
    pub still_out_g: i64,
    /// What it has now of the lots, grams.
    pub holds_now_g: i64,
    /// Its notices.
    pub notices: Vec<NoticeState>,
}

/// Totals of a recall report.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ReportTotals {
    /// Holders notified.
    pub holders: i64,
    /// Holders that acknowledged every notice.
    pub holders_acknowledged: i64,
    /// Weight to pull, grams.
    pub weight_to_pull_g: i64,
    /// Reported pulled, grams.
    pub pulled_g: i64,
    /// Reported disposed of, grams.
    pub disposed_g: i64,
    /// Still out, grams.
    pub still_out_g: i64,
    /// What holders have now, grams.
    pub holds_now_g: i64,
}

/// The recall report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecallReport {
    /// The recall.
    pub recall: Recall,
    /// Does it stand (not withdrawn)?
    pub standing: bool,
    /// Its withdrawal, if withdrawn.
    pub withdrawal: Option<RecallWithdrawal>,
    /// Lots reached.
    pub lots: Vec<ReachedLot>,
    /// Holders notified.
    pub holders: Vec<HolderReport>,
    /// Totals.
    pub totals: ReportTotals,
}

/// A response with its author's login name.
type Answer = (RecallResponse, Option<String>);

fn answers(conn: &mut DbConnection, notice_ids: &[String]) -> QueryResult<Vec<Answer>> {
    recall_responses::table
        .left_join(users::table.on(users::id.nullable().eq(recall_responses::responded_by)))
        .filter(recall_responses::notice_id.eq_any(notice_ids))
        .order(recall_responses::responded_at.asc())
        .select((RecallResponse::as_select(), users::username.nullable()))
        .load(conn)
}

/// Where each of the notices stands.
pub fn states(conn: &mut DbConnection, notices: &[RecallNotice]) -> AppResult<Vec<NoticeState>> {
    let ids: Vec<String> = notices.iter().map(|n| n.id.clone()).collect();
    let mut by_notice: HashMap<String, Vec<Answer>> = HashMap::new();
    for a in answers(conn, &ids)? {
        by_notice.entry(a.0.notice_id.clone()).or_default().push(a);
    }
    let mut out = Vec::new();
    for n in notices {
        let lot = crate::lots::queries::find(conn, &n.lot_id)?;
        let mine = by_notice.remove(&n.id).unwrap_or_default();
        let ack = mine.iter().find(|a| a.0.kind == ResponseKind::Acknowledged);
        let reports = mine.iter().filter(|a| a.0.kind == ResponseKind::Report);
        let (pulled_g, disposed_g) =
            reports.fold((0, 0), |(p, d), a| (p + a.0.pulled_g, d + a.0.disposed_g));
        out.push(NoticeState {
            notice_id: n.id.clone(),
            lot_id: n.lot_id.clone(),
            trace_code: lot.trace_code.clone(),
            product_name: lot.product_name.clone(),
            weight_to_pull_g: n.weight_to_pull_g,
            notified_at: n.notified_at,
            acknowledged: ack.is_some(),
            acknowledged_at: ack.map(|a| a.0.responded_at),
            acknowledged_by: ack.and_then(|a| a.1.clone()),
            pulled_g,
            disposed_g,
            still_out_g: (n.weight_to_pull_g - pulled_g - disposed_g).max(0),
            holds_now_g: crate::stock::queries::still_has(conn, &n.holder_id, &lot)?.max(0),
        });
    }
    Ok(out)
}

/// The report of a recall.
pub fn report(conn: &mut DbConnection, recall: Recall) -> AppResult<RecallReport> {
    let withdrawal = queries::withdrawal(conn, &recall.id)?;
    let lots = queries::reached_lots(conn, &recall)?;
    let notices: Vec<RecallNotice> = recall_notices::table
        .filter(recall_notices::recall_id.eq(&recall.id))
        .order((recall_notices::holder_id.asc(), recall_notices::id.asc()))
        .select(RecallNotice::as_select())
        .load(conn)?;
    let mut holders: Vec<HolderReport> = Vec::new();
    let mut totals = ReportTotals::default();
    for (n, s) in notices.iter().zip(states(conn, &notices)?) {
        if holders.last().is_none_or(|h| h.org_id != n.holder_id) {
            let org_name = organisations::table
                .find(&n.holder_id)
                .select(organisations::name)
                .first(conn)?;
            holders.push(HolderReport {
                org_id: n.holder_id.clone(),
                org_name,
                acknowledged: true,
                weight_to_pull_g: 0,
                pulled_g: 0,
                disposed_g: 0,
                still_out_g: 0,
                holds_now_g: 0,
                notices: Vec::new(),
            });
        }
        if let Some(h) = holders.last_mut() {
            h.acknowledged &= s.acknowledged;
            h.weight_to_pull_g += s.weight_to_pull_g;
            h.pulled_g += s.pulled_g;
            h.disposed_g += s.disposed_g;
            h.still_out_g += s.still_out_g;
            h.holds_now_g += s.holds_now_g;
            h.notices.push(s);
        }
    }
    for h in &holders {
        totals.holders += 1;
        totals.holders_acknowledged += i64::from(h.acknowledged);
        totals.weight_to_pull_g += h.weight_to_pull_g;
        totals.pulled_g += h.pulled_g;
        totals.disposed_g += h.disposed_g;
        totals.still_out_g += h.still_out_g;
        totals.holds_now_g += h.holds_now_g;
    }
    Ok(RecallReport {
        standing: withdrawal.is_none(),
        recall,
        withdrawal,
        lots,
        holders,
        totals,
    })
}

/// A notice as its holder reads it (GET /api/v1/notifications).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    /// The notice and where it stands.
    #[serde(flatten)]
    pub state: NoticeState,
    /// The recall.
    pub recall_id: String,
    /// What the recall names.
    pub scope: RecallScope,
    /// Why it was recalled.
    pub reason: String,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recalled_at: NaiveDateTime,
    /// Has the recall been withdrawn (made in error)?
    pub withdrawn: bool,
    /// Why it was withdrawn.
    pub withdrawal_reason: Option<String>,
}

/// One page of the notices of a holder, newest first.
pub fn notifications(
    conn: &mut DbConnection,
    holder: &str,
    page: crate::paging::PageParams,
) -> AppResult<crate::paging::Page<Notification>> {
    let total: i64 = recall_notices::table
        .filter(recall_notices::holder_id.eq(holder))
        .count()
        .get_result(conn)?;
    let rows: Vec<RecallNotice> = recall_notices::table
        .inner_join(lots::table)
        .filter(recall_notices::holder_id.eq(holder))
        .order((recall_notices::notified_at.desc(), lots::trace_code.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(RecallNotice::as_select())
        .load(conn)?;
    let states = states(conn, &rows)?;
    let mut items = Vec::new();
    for (n, state) in rows.iter().zip(states) {
        let recall = queries::find(conn, &n.recall_id)?;
        let w = queries::withdrawal(conn, &recall.id)?;
        items.push(Notification {
            state,
            recall_id: recall.id,
            scope: recall.scope,
            reason: recall.reason,
            recalled_at: recall.recalled_at,
            withdrawn: w.is_some(),
            withdrawal_reason: w.map(|w| w.reason),
        });
    }
    Ok(crate::paging::Page::new(items, total, page))
}
