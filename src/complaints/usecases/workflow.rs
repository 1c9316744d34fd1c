//! The staff's side of complaints: the lists each role may read, one complaint (the reporter shown in full
//! only to the officer assigned, each such view audited), the officers a complaint may go to, and the moves
//! on it, each checked against who may make it and from which status.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::super::domain::{self, Mover};
use super::super::model::{
    Category, Complaint, ComplaintEvent, ComplaintView, EventKind, Officer, Side,
};
use super::super::queries::{self, ComplaintFilter};
use super::super::views::staff_view;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::input::{PastDate, Text};
use crate::organisations::model::District;
use crate::paging::{Page, PageParams};
use crate::policy::{Actor, Role};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;

/// Filters of the complaint list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only complaints not yet concluded.
    pub open: Option<bool>,
    /// Only overdue complaints.
    pub overdue: Option<bool>,
    /// Administration.
    pub side: Option<Side>,
    /// District.
    pub district: Option<District>,
    /// Category.
    pub category: Option<Category>,
    /// Items per page, 1 to 200.
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

async fn list_with(
    state: &AppState,
    actor: &Actor,
    filter: ComplaintFilter,
    page: PageParams,
) -> AppResult<Page<ComplaintView>> {
    let today = crate::time::today_china();
    let actor = actor.clone();
    state
        .db
        .read(move |conn| {
            let (items, total) = queries::list(conn, &actor, &filter, page)?;
            // Lists never show the reporter in full, even to the officer assigned: that takes the single
            // complaint's page, where each view is audited.
            let items = items
                .iter()
                .map(|(c, e)| staff_view(c, e, "", today))
                .collect();
            Ok(Page::new(items, total, page))
        })
        .await
}

/// The complaints `actor` may read (hotline operators: those they entered or dispatched, and those waiting
/// for dispatch; regulators: their side in their district; inspectors: their district; officers: those
/// assigned to them), newest first, reporters masked.
pub async fn list(state: &AppState, actor: &Actor, q: ListQuery) -> AppResult<Page<ComplaintView>> {
    let filter = ComplaintFilter {
        open: q.open.unwrap_or(false),
        overdue_on: q.overdue.unwrap_or(false).then(crate::time::today_china),
        side: q.side,
        district: q.district,
        category: q.category,
    };
    let page = PageParams {
        limit: q.limit,
        offset: q.offset,
    };
    list_with(state, actor, filter, page).await
}

/// The overdue complaints `actor` may read: not dispatched by their dispatch deadline, or not concluded by
/// their conclusion deadline (working days, China time).
pub async fn overdue(
    state: &AppState,
    actor: &Actor,
    page: PageParams,
) -> AppResult<Page<ComplaintView>> {
    let filter = ComplaintFilter {
        overdue_on: Some(crate::time::today_china()),
        ..ComplaintFilter::default()
    };
    list_with(state, actor, filter, page).await
}

/// A reporter's details were shown in full: the audit trail keeps who saw them and when.
#[derive(serde::Serialize)]
struct ReporterView<'a> {
    complaint_id: &'a str,
    viewer: &'a str,
}

impl crate::audit::Audited for ReporterView<'_> {
    const ENTITY: &'static str = "complaint";
    fn audit_id(&self) -> &str {
        self.complaint_id
    }
}

/// One complaint `actor` may read (else 404). The officer assigned sees the reporter in full, and that view
/// is audited; everyone else sees them masked.
pub async fn get_one(state: &AppState, actor: &Actor, id: String) -> AppResult<ComplaintView> {
    let today = crate::time::today_china();
    let reader = actor.clone();
    let view = state
        .db
        .read(move |conn| {
            queries::require_readable(conn, &reader, &id)?;
            let (c, events) = queries::load(conn, &id)?;
            Ok(staff_view(&c, &events, &reader.user_id, today))
        })
        .await?;
    if view.reporter_unmasked {
        let (cid, viewer) = (view.id.clone(), view.officer_id.clone().unwrap_or_default());
        state
            .db
            .write(move |conn| {
                crate::audit::record(
                    conn,
                    Some(&viewer),
                    "view_reporter",
                    &ReporterView {
                        complaint_id: &cid,
                        viewer: &viewer,
                    },
                )
            })
            .await?;
    }
    Ok(view)
}

/// The officers a complaint `actor` may read may be dispatched to: inspectors and regulators of the
/// receiving administration, of its district or city level.
pub async fn officers(state: &AppState, actor: &Actor, id: String) -> AppResult<Vec<Officer>> {
    let actor = actor.clone();
    state
        .db
        .read(move |conn| {
            queries::require_readable(conn, &actor, &id)?;
            let (c, _) = queries::load(conn, &id)?;
            Ok(queries::officers(conn, c.side, c.district)?)
        })
        .await
}

/// Makes a move in one transaction: checks who may make it and from which status, records it (audited), and
/// answers with the complaint.
async fn make_move(
    state: &AppState,
    actor: &Actor,
    id: String,
    kind: EventKind,
    fill: impl FnOnce(
            &mut DbConnection,
            &Complaint,
            &domain::State,
            ComplaintEvent,
        ) -> AppResult<ComplaintEvent>
        + Send
        + 'static,
) -> AppResult<ComplaintView> {
    let today = crate::time::today_china();
    let actor = actor.clone();
    state
        .db
        .write(move |conn| {
            queries::require_readable(conn, &actor, &id)?;
            let (c, events) = queries::load(conn, &id)?;
            let s = domain::state(&events);
            let mut who = Vec::new();
            if actor.role == Role::HotlineOperator {
                who.push(Mover::HotlineOperator);
            }
            if actor.role == domain::regulator_role(c.side)
                && (actor.district.is_none() || actor.district == c.district)
            {
                who.push(Mover::Regulator);
            }
            if s.officer_id.as_deref() == Some(actor.user_id.as_str()) {
                who.push(Mover::AssignedOfficer);
            }
            domain::require_mover(kind, &who)?;
            let status = domain::next_status(kind, s.status)?;
            let event = fill(
                conn,
                &c,
                &s,
                ComplaintEvent {
                    kind,
                    status,
                    actor_id: Some(actor.user_id.clone()),
                    ..queries::blank_event()
                },
            )?;
            queries::add_event(conn, &c, s.last_seq, event)?;
            let (c, events) = queries::load(conn, &id)?;
            Ok(staff_view(&c, &events, "", today))
        })
        .await
}

/// A note on a move, if one was given.
fn note_of(note: Option<Text<1000>>) -> Option<String> {
    note.map(Text::into_string)
}

/// Dispatch a complaint to an officer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchRequest {
    /// The officer (see `/complaints/{id}/officers`).
    pub officer_id: uuid::Uuid,
    /// Note (up to 1,000 characters; empty counts as none).
    #[serde(default, deserialize_with = "crate::input::blank_as_none")]
    pub note: Option<Text<1000>>,
}

/// Dispatches (or reassigns) a complaint to an officer of the receiving administration (hotline operators,
/// and regulators of that administration).
pub async fn dispatch(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: DispatchRequest,
) -> AppResult<ComplaintView> {
    let officer = cmd.officer_id.to_string();
    let note = note_of(cmd.note);
    make_move(
        state,
        actor,
        id,
        EventKind::Dispatched,
        move |conn, c, _, e| {
            let eligible = queries::officers(conn, c.side, c.district)?;
            if !eligible.iter().any(|o| o.id == officer) {
                return Err(Refusal::of(Code::OfficerNotEligible)
                    .with("side", c.side.zh())
                    .into());
            }
            Ok(ComplaintEvent {
                officer_id: Some(officer),
                note,
                ..e
            })
        },
    )
    .await
}

/// A note on a move.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    /// Note (up to 1,000 characters; empty counts as none).
    #[serde(default, deserialize_with = "crate::input::blank_as_none")]
    pub note: Option<Text<1000>>,
}

/// A move that records only a note.
async fn note_move(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: NoteRequest,
    kind: EventKind,
) -> AppResult<ComplaintView> {
    let note = note_of(cmd.note);
    make_move(state, actor, id, kind, move |_, _, _, e| {
        Ok(ComplaintEvent { note, ..e })
    })
    .await
}

/// Starts investigating (the officer assigned).
pub async fn investigate(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: NoteRequest,
) -> AppResult<ComplaintView> {
    note_move(state, actor, id, cmd, EventKind::Investigating).await
}

/// Closes a complaint (the officer assigned, or a regulator of the receiving administration), once
/// concluded.
pub async fn close(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: NoteRequest,
) -> AppResult<ComplaintView> {
    note_move(state, actor, id, cmd, EventKind::Closed).await
}

/// The conclusion of an investigation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConcludeRequest {
    /// Was the report true?
    pub substantiated: bool,
    /// What the investigation found (internal; 1 to 2,000 characters).
    pub finding: Text<2000>,
    /// The reply to the reporter (答复), which they see with their ticket (1 to 2,000 characters).
    pub reply: Text<2000>,
}

/// Concludes the investigation (the officer assigned). A substantiated complaint opens a violation against
/// its subject and adds an event to the subject's credit file, in the same transaction.
pub async fn conclude(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: ConcludeRequest,
) -> AppResult<ComplaintView> {
    let (finding, reply) = (cmd.finding.into_string(), cmd.reply.into_string());
    let kind = if cmd.substantiated {
        EventKind::Substantiated
    } else {
        EventKind::Unsubstantiated
    };
    make_move(state, actor, id, kind, move |conn, c, _, e| {
        let violation_id = if cmd.substantiated {
            Some(super::super::outcome::substantiated(
                conn,
                c,
                e.actor_id.as_deref(),
                &finding,
            )?)
        } else {
            None
        };
        Ok(ComplaintEvent {
            note: Some(finding),
            reply: Some(reply),
            violation_id,
            ..e
        })
    })
    .await
}

/// A reward.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RewardRequest {
    /// Amount, fen (1 fen to ¥1,000,000).
    pub amount_fen: i64,
    /// Note (basis of the amount; up to 1,000 characters).
    #[serde(default, deserialize_with = "crate::input::blank_as_none")]
    pub note: Option<Text<1000>>,
}

/// Grants a reward for a substantiated report (a regulator of the receiving administration; notice art. 十).
pub async fn reward(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: RewardRequest,
) -> AppResult<ComplaintView> {
    if !(1..=100_000_000).contains(&cmd.amount_fen) {
        return Err(Code::InvalidAmount.into());
    }
    let (amount, note) = (cmd.amount_fen, note_of(cmd.note));
    make_move(state, actor, id, EventKind::Rewarded, move |_, _, _, e| {
        Ok(ComplaintEvent {
            reward_fen: Some(amount),
            note,
            ..e
        })
    })
    .await
}

/// A reward payment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaidRequest {
    /// Day it was paid (China date; not in the future).
    pub paid_on: PastDate,
    /// Note (payment reference; up to 1,000 characters).
    #[serde(default, deserialize_with = "crate::input::blank_as_none")]
    pub note: Option<Text<1000>>,
}

/// Records that a reward was paid (a regulator of the receiving administration), once.
pub async fn reward_paid(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: PaidRequest,
) -> AppResult<ComplaintView> {
    let (paid_on, note) = (cmd.paid_on.get(), note_of(cmd.note));
    make_move(
        state,
        actor,
        id,
        EventKind::RewardPaid,
        move |_, _, s, e| {
            if s.paid_on.is_some() {
                return Err(Code::RewardAlreadyPaid.into());
            }
            Ok(ComplaintEvent {
                paid_on: Some(paid_on),
                note,
                ..e
            })
        },
    )
    .await
}
