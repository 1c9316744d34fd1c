//! Filing a complaint (the public's web form and API, the 12345 hotline's operators), and what a reporter
//! does with the ticket number and access code: follow the complaint and claim a reward.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::super::domain::{self, Mover};
use super::super::fields::{ReportedCode, WorkOrderNo};
use super::super::model::Category;
use super::super::model::{Channel, ComplaintEvent, EventKind, Filed, TicketView};
use super::super::queries::{self, Deadlines, NewComplaint};
use super::super::views::ticket_view;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Answer, Bound, IdempotencyKey};
use crate::input::{Line, Phone, Text};
use crate::organisations::model::District;
use crate::policy::{Actor, Role};
use crate::refusal::Code;
use crate::state::AppState;

/// A complaint, as filed on the web or entered by a hotline operator. Optional texts left empty (or only
/// spaces) count as not given.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRequest {
    /// Category.
    pub category: Category,
    /// What happened (1 to 2,000 characters; new lines and tabs allowed, no other control characters).
    pub description: Text<2000>,
    /// Where (market, street, stall number...).
    #[serde(default, deserialize_with = "crate::input::blank_as_none")]
    pub place: Option<Line<200>>,
    /// District where it happened.
    pub district: Option<District>,
    /// The registered business or stall complained of (organisation id, from the public buyer directory).
    pub subject_org_id: Option<uuid::Uuid>,
    /// The business as you would name it.
    #[serde(default, deserialize_with = "crate::input::blank_as_none")]
    pub subject_name: Option<Line<200>>,
    /// The trace code on the label, if you have it.
    #[serde(default, deserialize_with = "crate::input::blank_as_none")]
    pub trace_code: Option<ReportedCode>,
    /// Your name (optional; kept confidential).
    #[serde(default, deserialize_with = "crate::input::blank_as_none")]
    pub reporter_name: Option<Line<50>>,
    /// Your phone (optional; kept confidential).
    #[serde(default, deserialize_with = "crate::input::blank_as_none")]
    pub reporter_phone: Option<Phone>,
    /// The 12345 work-order number (工单号): required from hotline operators, refused from the public.
    #[serde(default, deserialize_with = "crate::input::blank_as_none")]
    pub work_order_no: Option<WorkOrderNo>,
}

impl FileRequest {
    /// The complaint to file on `channel`: the hotline's carry their work-order number, the public's none.
    fn checked(self, channel: Channel) -> AppResult<NewComplaint> {
        match (channel, &self.work_order_no) {
            (Channel::Phone, None) => return Err(Code::WorkOrderRequired.into()),
            (Channel::Web, Some(_)) => return Err(Code::WorkOrderNotAllowed.into()),
            _ => {}
        }
        Ok(NewComplaint {
            category: self.category,
            description: self.description.into_string(),
            place: self.place.map(Line::into_string),
            district: self.district,
            subject_org_id: self.subject_org_id.map(|u| u.to_string()),
            subject_name: self.subject_name.map(Line::into_string),
            trace_code: self.trace_code.map(ReportedCode::into_string),
            channel,
            work_order_no: self.work_order_no.map(WorkOrderNo::into_string),
            reporter_name: self.reporter_name.map(Line::into_string),
            reporter_phone: self.reporter_phone.map(Phone::into_string),
        })
    }
}

/// The operation name a filing's idempotency key is bound to (the API and the form share it).
const FILE: &str = "complaint.file";

/// Files a complaint from the public (no account; channel web), once per idempotency key (at least 16
/// characters in the shared anonymous scope). The answer carries the access code, so a key's stored answer
/// is sealed.
pub async fn file_web(
    state: &AppState,
    key: IdempotencyKey,
    cmd: FileRequest,
) -> AppResult<Answer<Filed>> {
    let key = key.bind_anonymous(FILE, &cmd)?;
    let new = cmd.checked(Channel::Web)?;
    file(state, new, None, key).await
}

/// Files a complaint from the public form: as [`file_web`], but the same form changed and sent again with
/// its key (back, edit, submit) files a new report instead of being refused. Answers the complaint and
/// whether it was filed now (`false`: the same form sent twice).
pub async fn file_form(
    state: &AppState,
    key: IdempotencyKey,
    cmd: FileRequest,
) -> AppResult<(Filed, bool)> {
    let bound = key.bind_anonymous(FILE, &cmd)?;
    let new = cmd.checked(Channel::Web)?;
    match file(state, new.clone(), None, bound).await {
        Err(e) if e.refusal_code() == Some(Code::IdempotencyKeyReused) => {
            file(state, new, None, None).await?.into_typed()
        }
        other => other?.into_typed(),
    }
}

/// Enters a complaint taken on the 12345 hotline (hotline operators; channel phone, work-order number
/// required), once per idempotency key.
pub async fn file_phone(
    state: &AppState,
    actor: &Actor,
    key: IdempotencyKey,
    cmd: FileRequest,
) -> AppResult<Answer<Filed>> {
    if actor.role != Role::HotlineOperator {
        return Err(AppError::forbidden());
    }
    let key = key.bind(actor, "complaint.file_phone", &cmd);
    let new = cmd.checked(Channel::Phone)?;
    file(state, new, Some(actor.user_id.clone()), key).await
}

/// Files `new` in one transaction (the complaint, its first move and their audit entries), once per key.
async fn file(
    state: &AppState,
    new: NewComplaint,
    entered_by: Option<String>,
    key: Option<Bound>,
) -> AppResult<Answer<Filed>> {
    let rules = state.rules.clone();
    let key = key.map(|k| k.sealed(&state.auth.answer_seal));
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let calendar = rules.calendar();
                let deadlines = Deadlines {
                    calendar: &calendar,
                    dispatch_days: rules.complaint_dispatch_days,
                    conclude_days: rules.complaint_conclude_days,
                };
                let (c, code) = queries::file(conn, new, &deadlines, entered_by.as_deref())?;
                Ok(Filed {
                    id: c.id,
                    ticket_no: c.ticket_no,
                    access_code: code,
                    routed_to: c.side.zh().to_string(),
                    district: c.district.map(|d| d.zh().to_string()),
                    dispatch_due: c.dispatch_due,
                    conclude_due: c.conclude_due,
                })
            })
        })
        .await
}

/// Ticket number and access code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketRequest {
    /// Ticket number.
    pub ticket_no: String,
    /// Access code.
    pub access_code: String,
}

/// A complaint as its reporter sees it, by ticket number and access code (public). A wrong code is answered
/// as an unknown ticket.
pub async fn lookup(state: &AppState, cmd: TicketRequest) -> AppResult<TicketView> {
    state
        .db
        .read(move |conn| {
            let (c, events) = queries::by_ticket(conn, &cmd.ticket_no, &cmd.access_code)?;
            Ok(ticket_view(&c, &events))
        })
        .await
}

/// A reward claim by the reporter.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// Ticket number.
    pub ticket_no: String,
    /// Access code.
    pub access_code: String,
    /// Name of the payee (kept confidential).
    pub name: Line<50>,
    /// Phone of the payee (kept confidential).
    pub phone: Phone,
    /// Bank account or payment account (kept confidential).
    #[serde(default, deserialize_with = "crate::input::blank_as_none")]
    pub account: Option<Line<60>>,
}

/// Claims the reward of a rewarded complaint (public; an anonymous reporter identifies themselves here, and
/// only the officer assigned sees who it is).
pub async fn claim_reward(state: &AppState, cmd: ClaimRequest) -> AppResult<TicketView> {
    state
        .db
        .write(move |conn| {
            let (c, events) = queries::by_ticket(conn, &cmd.ticket_no, &cmd.access_code)?;
            let s = domain::state(&events);
            domain::require_mover(EventKind::RewardClaimed, &[Mover::Reporter])?;
            let status = domain::next_status(EventKind::RewardClaimed, s.status)?;
            if s.claimed {
                return Err(Code::RewardAlreadyClaimed.into());
            }
            queries::add_event(
                conn,
                &c,
                s.last_seq,
                ComplaintEvent {
                    kind: EventKind::RewardClaimed,
                    status,
                    claimant_name: Some(cmd.name.into_string()),
                    claimant_phone: Some(cmd.phone.into_string()),
                    claimant_account: cmd.account.map(Line::into_string),
                    claimant_salt: Some(domain::new_salt()),
                    ..queries::blank_event()
                },
            )?;
            let (c, events) = queries::load(conn, &c.id)?;
            Ok(ticket_view(&c, &events))
        })
        .await
}
