//! The violation workflow: open → investigating → penalised (a fine in fen) or dismissed, each step a numbered,
//! insert-only event with its reasons. A concluded violation enters the subject's credit file: a penalty as a
//! `violation_penalised` event (which the credit score counts), a dismissal as a note (which it does not).

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Violation, ViolationEvent, ViolationEventKind, ViolationStatus};
use super::queries::ViolationWithRecords;
use crate::credit::model::CreditEventKind;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::refusal::{Code, Refusal};
use crate::schema::{complaints, organisations, violation_events, violations};

/// A violation with its records, its steps and where it stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ViolationDetail {
    /// The violation and the records involved.
    #[serde(flatten)]
    pub violation: ViolationWithRecords,
    /// Where it stands.
    pub status: ViolationStatus,
    /// The fine of the penalty, in fen.
    pub fine_fen: Option<i64>,
    /// The workflow steps, in order.
    pub events: Vec<ViolationEvent>,
    /// The 12345 ticket number, for a violation from a substantiated complaint.
    pub complaint_ticket_no: Option<String>,
    /// The registered subject's name.
    pub subject_org_name: Option<String>,
    /// The rule's title (Chinese).
    pub rule_title: String,
    /// The rule's title (English).
    pub rule_title_en: String,
}

/// The status a list of steps leads to.
pub fn fold(events: &[ViolationEvent]) -> ViolationStatus {
    events
        .iter()
        .max_by_key(|e| e.seq)
        .map_or(ViolationStatus::Open, |e| e.kind.status())
}

/// The steps of these violations, by violation, in order.
pub fn events_of(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<ViolationEvent>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            violation_events::table
                .filter(violation_events::violation_id.eq_any(chunk))
                .order((violation_events::violation_id, violation_events::seq))
                .select(ViolationEvent::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

/// Details of these violations (records, steps, ticket numbers), in the order given.
pub fn details(conn: &mut DbConnection, vs: Vec<Violation>) -> QueryResult<Vec<ViolationDetail>> {
    let ids: Vec<String> = vs.iter().map(|v| v.id.clone()).collect();
    let events = events_of(conn, &ids)?;
    let with = super::queries::with_records(conn, vs)?;
    let complaint_ids: Vec<String> = with
        .iter()
        .flat_map(|v| v.records.iter())
        .filter(|r| r.entity == "complaint")
        .map(|r| r.entity_id.clone())
        .collect();
    let tickets: Vec<(String, String)> = if complaint_ids.is_empty() {
        Vec::new()
    } else {
        complaints::table
            .filter(complaints::id.eq_any(&complaint_ids))
            .select((complaints::id, complaints::ticket_no))
            .load(conn)?
    };
    let org_ids: Vec<String> = with
        .iter()
        .filter_map(|v| v.violation.subject_org_id.clone())
        .collect();
    let names: Vec<(String, String)> = if org_ids.is_empty() {
        Vec::new()
    } else {
        organisations::table
            .filter(organisations::id.eq_any(&org_ids))
            .select((organisations::id, organisations::name))
            .load(conn)?
    };
    Ok(with
        .into_iter()
        .map(|v| {
            let mine: Vec<ViolationEvent> = events
                .iter()
                .filter(|e| e.violation_id == v.violation.id)
                .cloned()
                .collect();
            let ticket = v
                .records
                .iter()
                .filter(|r| r.entity == "complaint")
                .find_map(|r| tickets.iter().find(|(id, _)| *id == r.entity_id))
                .map(|(_, t)| t.clone());
            let rule = super::rules::find(&v.violation.rule);
            let subject_org_name = v
                .violation
                .subject_org_id
                .as_ref()
                .and_then(|o| names.iter().find(|(id, _)| id == o).map(|(_, n)| n.clone()));
            ViolationDetail {
                subject_org_name,
                status: fold(&mine),
                fine_fen: mine.iter().find_map(|e| e.fine_fen),
                events: mine,
                complaint_ticket_no: ticket,
                rule_title: rule.map_or(v.violation.rule.clone(), |r| r.title.to_string()),
                rule_title_en: rule.map_or(v.violation.rule.clone(), |r| r.title_en.to_string()),
                violation: v,
            }
        })
        .collect())
}

/// One violation's details.
pub fn detail(conn: &mut DbConnection, id: &str) -> AppResult<ViolationDetail> {
    let v: Violation = violations::table
        .find(id)
        .select(Violation::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("违法违规记录", "violation"))?;
    let mut d = details(conn, vec![v])?;
    d.pop()
        .ok_or_else(|| AppError::not_found("违法违规记录", "violation"))
}

/// A step to take.
pub struct Step<'a> {
    /// Which.
    pub kind: ViolationEventKind,
    /// The reasons.
    pub reason: &'a str,
    /// The fine (penalties only).
    pub fine_fen: Option<i64>,
    /// Who.
    pub actor_id: &'a str,
}

/// Take a step (audited); a conclusion enters the credit file of a registered subject.
pub fn take(
    conn: &mut DbConnection,
    current: &ViolationDetail,
    step: Step<'_>,
) -> AppResult<ViolationEvent> {
    if !current.status.allows(step.kind) {
        let (zh, en) = super::labels::status(current.status);
        return Err(Refusal::of(Code::ViolationWrongStatus)
            .with("zh", zh)
            .with("en", en)
            .into());
    }
    let v = &current.violation.violation;
    let e = ViolationEvent {
        id: uuid::Uuid::new_v4().to_string(),
        violation_id: v.id.clone(),
        seq: current.events.iter().map(|e| e.seq).max().unwrap_or(0) + 1,
        kind: step.kind,
        reason: step.reason.to_string(),
        fine_fen: step.fine_fen,
        actor_id: Some(step.actor_id.to_string()),
        recorded_at: crate::time::now(),
    };
    let e: ViolationEvent = diesel::insert_into(violation_events::table)
        .values(&e)
        .returning(violation_events::all_columns)
        .get_result(conn)
        .map_err(|err| match err {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => AppError::from(Code::ViolationChanged),
            other => other.into(),
        })?;
    crate::audit::record(conn, Some(step.actor_id), step.kind.into(), &e)?;
    if let Some(org) = &v.subject_org_id {
        let summary = match step.kind {
            ViolationEventKind::Penalised => Some((
                CreditEventKind::ViolationPenalised,
                format!(
                    "{}：已处罚，罚款 {} 元；{}",
                    current.rule_title,
                    crate::money::yuan(step.fine_fen.unwrap_or(0)),
                    step.reason
                ),
            )),
            ViolationEventKind::Dismissed => Some((
                CreditEventKind::Note,
                format!("{}：经调查不予处罚；{}", current.rule_title, step.reason),
            )),
            ViolationEventKind::Investigating => None,
        };
        if let Some((kind, summary)) = summary {
            crate::credit::queries::add(
                conn,
                Some(step.actor_id),
                crate::credit::queries::NewEvent {
                    org_id: org,
                    occurred_on: crate::time::today_china(),
                    kind,
                    summary: &summary,
                    source: Some(("violation", &v.id)),
                },
            )?;
        }
    }
    Ok(e)
}
