//! HTTP handlers for complaints: public filing and follow-up, hotline entry, and the officers' workflow.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain::{self, Mover};
use super::model::*;
use super::queries::{self, ComplaintFilter, Deadlines, NewComplaint};
use super::views::{staff_view, ticket_view};
use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, Answer, Bound, IdempotencyKey};
use crate::organisations::model::District;
use crate::paging::{Page, PageParams};
use crate::policy::{Actor, Role};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;
use crate::validate::invalid_field;

/// `invalid_field` for a required text left empty.
fn empty(field: &str, zh: &str) -> Refusal {
    invalid_field(field, zh, "不能为空".into(), "must not be empty".into())
}
use crate::validate::{bounded, optional_text};

/// A complaint, as filed on the web or entered by a hotline operator.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRequest {
    /// Category.
    pub category: Category,
    /// What happened (up to 2,000 characters).
    pub description: String,
    /// Where (market, street, stall number...).
    pub place: Option<String>,
    /// District where it happened.
    pub district: Option<District>,
    /// The registered business or stall complained of (organisation id, from the public buyer directory).
    pub subject_org_id: Option<uuid::Uuid>,
    /// The business as you would name it.
    pub subject_name: Option<String>,
    /// The trace code on the label, if you have it.
    pub trace_code: Option<String>,
    /// Your name (optional; kept confidential).
    pub reporter_name: Option<String>,
    /// Your phone (optional; kept confidential).
    pub reporter_phone: Option<String>,
    /// The 12345 work-order number (工单号): required from hotline operators, refused from the public.
    pub work_order_no: Option<String>,
}

impl FileRequest {
    /// Check the request and make it a complaint of `channel`.
    pub fn checked(self, channel: Channel) -> AppResult<NewComplaint> {
        let description = bounded(Some(self.description), "description", "情况描述", 2000)?
            .ok_or_else(|| {
                invalid_field(
                    "description",
                    "情况描述",
                    "请描述发生了什么".into(),
                    "describe what happened".into(),
                )
            })?;
        let work_order_no = bounded(self.work_order_no, "work_order_no", "工单号", 40)?;
        match (channel, &work_order_no) {
            (Channel::Phone, None) => return Err(Code::WorkOrderRequired.into()),
            (Channel::Web, Some(_)) => return Err(Code::WorkOrderNotAllowed.into()),
            _ => {}
        }
        Ok(NewComplaint {
            category: self.category,
            description,
            place: bounded(self.place, "place", "地点", 200)?,
            district: self.district,
            subject_org_id: self.subject_org_id.map(|u| u.to_string()),
            subject_name: bounded(self.subject_name, "subject_name", "被举报对象", 200)?,
            trace_code: optional_text(self.trace_code),
            channel,
            work_order_no,
            reporter_name: bounded(self.reporter_name, "reporter_name", "姓名", 50)?,
            reporter_phone: optional_text(self.reporter_phone)
                .map(|p| domain::normalise_phone(&p))
                .transpose()?,
        })
    }
}

/// File a complaint, once per idempotency key; used by the API and the page. The answer carries the access
/// code, so a key's stored answer is sealed (only a repeat with the same key opens it).
pub async fn file(
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

/// File a complaint (public, no login; channel web). Keep the ticket number and access code to follow it.
/// Sent again with the same `Idempotency-Key` (at least 16 characters here), it answers the same ticket
/// and access code instead of filing twice.
#[utoipa::path(
    tag = "complaints",
    request_body = FileRequest,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = Filed),
        (status = 200, description = "already filed under this Idempotency-Key", body = Filed),
        (status = 400, description = "invalid_idempotency_key", body = Problem),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, body = Problem),
        (status = 429, body = Problem),
    )
)]
#[post("/complaints")]
pub async fn file_web(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: Json<FileRequest>,
) -> AppResult<HttpResponse> {
    state.auth.limits.complaint(&req)?;
    let key = key.bind_anonymous("complaint.file", &*body)?;
    let new = body.into_inner().checked(Channel::Web)?;
    Ok(file(&state, new, None, key).await?.respond())
}

/// Enter a complaint taken on the 12345 hotline (hotline operators; channel phone, work-order number
/// required). Read the ticket number and access code back to the caller.
#[utoipa::path(
    tag = "complaints",
    request_body = FileRequest,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = Filed),
        (status = 200, description = "already filed under this Idempotency-Key", body = Filed),
        (status = 409, description = "duplicate (work-order number), idempotency_key_reused", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/hotline/complaints")]
pub async fn file_phone(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    body: Json<FileRequest>,
) -> AppResult<HttpResponse> {
    if actor.role != Role::HotlineOperator {
        return Err(AppError::forbidden());
    }
    let key = key.bind(&actor, "complaint.file_phone", &*body);
    let new = body.into_inner().checked(Channel::Phone)?;
    Ok(file(&state, new, Some(actor.user_id), key).await?.respond())
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

/// Follow a complaint with its ticket number and access code (public). A wrong code is answered as an
/// unknown ticket.
#[utoipa::path(
    tag = "complaints",
    request_body = TicketRequest,
    responses((status = 200, body = TicketView), (status = 404, body = Problem), (status = 429, body = Problem))
)]
#[post("/public/complaints/lookup")]
pub async fn lookup(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<TicketRequest>,
) -> AppResult<HttpResponse> {
    state.auth.limits.lookup(&req)?;
    let t = body.into_inner();
    let (c, events) = state
        .db
        .read(move |conn| queries::by_ticket(conn, &t.ticket_no, &t.access_code))
        .await?;
    Ok(HttpResponse::Ok().json(ticket_view(&c, &events)))
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
    pub name: String,
    /// Phone of the payee (kept confidential).
    pub phone: String,
    /// Bank account or payment account (kept confidential).
    pub account: Option<String>,
}

/// Claim the reward of a rewarded complaint (public; an anonymous reporter identifies themselves here, and
/// only the officer assigned sees who it is).
pub async fn claim_reward(state: &AppState, body: ClaimRequest) -> AppResult<TicketView> {
    let name =
        bounded(Some(body.name), "name", "姓名", 50)?.ok_or_else(|| empty("name", "领奖人姓名"))?;
    let phone = domain::normalise_phone(&body.phone)?;
    let account = bounded(body.account, "account", "收款账户", 60)?;
    state
        .db
        .write(move |conn| {
            let (c, events) = queries::by_ticket(conn, &body.ticket_no, &body.access_code)?;
            let s = queries::state(&events);
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
                    claimant_name: Some(name),
                    claimant_phone: Some(phone),
                    claimant_account: account,
                    claimant_salt: Some(domain::new_salt()),
                    ..queries::blank_event()
                },
            )?;
            let (c, events) = queries::load(conn, &c.id)?;
            Ok(ticket_view(&c, &events))
        })
        .await
}

/// Claim a reward with the ticket number and access code (public).
#[utoipa::path(
    tag = "complaints",
    request_body = ClaimRequest,
    responses((status = 200, body = TicketView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 429, body = Problem))
)]
#[post("/public/complaints/claim")]
pub async fn claim(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<ClaimRequest>,
) -> AppResult<HttpResponse> {
    state.auth.limits.lookup(&req)?;
    Ok(HttpResponse::Ok().json(claim_reward(&state, body.into_inner()).await?))
}

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
    actor: Actor,
    filter: ComplaintFilter,
    page: PageParams,
) -> AppResult<Page<ComplaintView>> {
    let today = crate::time::today_china();
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

/// Complaints you may read (hotline operators: those they entered or dispatched, and those waiting for
/// dispatch; regulators: their side in their district; inspectors: their district; officers: those assigned
/// to them), newest first. Reporters are masked.
#[utoipa::path(
    tag = "complaints",
    params(ListQuery),
    responses((status = 200, body = Page<ComplaintView>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/complaints")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    q: web::Query<ListQuery>,
) -> AppResult<Json<Page<ComplaintView>>> {
    let q = q.into_inner();
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
    Ok(Json(list_with(&state, actor, filter, page).await?))
}

/// Overdue complaints you may read: not dispatched by their dispatch deadline, or not concluded by their
/// conclusion deadline (working days, China time).
#[utoipa::path(
    tag = "complaints",
    params(PageParams),
    responses((status = 200, body = Page<ComplaintView>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/complaints/overdue")]
pub async fn overdue(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<ComplaintView>>> {
    let filter = ComplaintFilter {
        overdue_on: Some(crate::time::today_china()),
        ..ComplaintFilter::default()
    };
    Ok(Json(
        list_with(&state, actor, filter, page.into_inner()).await?,
    ))
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

/// One complaint. The officer assigned sees the reporter in full (each such view is audited); everyone
/// else sees them masked.
#[utoipa::path(
    tag = "complaints",
    params(("id" = uuid::Uuid, Path, description = "complaint id")),
    responses((status = 200, body = ComplaintView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/complaints/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<ComplaintView>> {
    let id = id.into_inner().to_string();
    let today = crate::time::today_china();
    let reader = actor.user_id.clone();
    let view = state
        .db
        .read(move |conn| {
            queries::require_readable(conn, &actor, &id)?;
            let (c, events) = queries::load(conn, &id)?;
            Ok(staff_view(&c, &events, &reader, today))
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
    Ok(Json(view))
}

/// The officers a complaint may be dispatched to: inspectors and regulators of the receiving
/// administration, of its district or city level.
#[utoipa::path(
    tag = "complaints",
    params(("id" = uuid::Uuid, Path, description = "complaint id")),
    responses((status = 200, body = Vec<Officer>), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/complaints/{id}/officers")]
pub async fn officers(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<Vec<Officer>>> {
    let id = id.into_inner().to_string();
    let out = state
        .db
        .read(move |conn| {
            queries::require_readable(conn, &actor, &id)?;
            let (c, _) = queries::load(conn, &id)?;
            Ok(queries::officers(conn, c.side, c.district)?)
        })
        .await?;
    Ok(Json(out))
}

/// Make a move: check who may make it and from which status, record it, and answer with the complaint.
async fn make_move(
    state: &AppState,
    actor: Actor,
    id: String,
    kind: EventKind,
    fill: impl FnOnce(
            &mut crate::db::DbConnection,
            &Complaint,
            &queries::State,
            ComplaintEvent,
        ) -> AppResult<ComplaintEvent>
        + Send
        + 'static,
) -> AppResult<ComplaintView> {
    let today = crate::time::today_china();
    state
        .db
        .write(move |conn| {
            queries::require_readable(conn, &actor, &id)?;
            let (c, events) = queries::load(conn, &id)?;
            let s = queries::state(&events);
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

/// Dispatch a complaint to an officer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchRequest {
    /// The officer (see `/complaints/{id}/officers`).
    pub officer_id: uuid::Uuid,
    /// Note.
    pub note: Option<String>,
}

/// Dispatch (or reassign) a complaint to an officer of the receiving administration (hotline operators,
/// and regulators of that administration).
#[utoipa::path(
    tag = "complaints",
    params(("id" = uuid::Uuid, Path, description = "complaint id")),
    request_body = DispatchRequest,
    responses((status = 200, body = ComplaintView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/complaints/{id}/dispatch")]
pub async fn dispatch(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<DispatchRequest>,
) -> AppResult<Json<ComplaintView>> {
    let body = body.into_inner();
    let note = bounded(body.note, "note", "备注", 1000)?;
    let officer = body.officer_id.to_string();
    let id = id.into_inner().to_string();
    let v = make_move(
        &state,
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
    .await?;
    Ok(Json(v))
}

/// A note on a move.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    /// Note.
    pub note: Option<String>,
}

/// A move that records only a note.
async fn note_move(
    state: &AppState,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<NoteRequest>,
    kind: EventKind,
) -> AppResult<Json<ComplaintView>> {
    let note = bounded(body.into_inner().note, "note", "备注", 1000)?;
    let id = id.into_inner().to_string();
    let v = make_move(state, actor, id, kind, move |_, _, _, e| {
        Ok(ComplaintEvent { note, ..e })
    })
    .await?;
    Ok(Json(v))
}

/// Start investigating (the officer assigned).
#[utoipa::path(
    tag = "complaints",
    params(("id" = uuid::Uuid, Path, description = "complaint id")),
    request_body = NoteRequest,
    responses((status = 200, body = ComplaintView), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/complaints/{id}/investigate")]
pub async fn investigate(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<NoteRequest>,
) -> AppResult<Json<ComplaintView>> {
    note_move(&state, actor, id, body, EventKind::Investigating).await
}

/// Close a complaint (the officer assigned, or a regulator of the receiving administration), once concluded.
#[utoipa::path(
    tag = "complaints",
    params(("id" = uuid::Uuid, Path, description = "complaint id")),
    request_body = NoteRequest,
    responses((status = 200, body = ComplaintView), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/complaints/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<NoteRequest>,
) -> AppResult<Json<ComplaintView>> {
    note_move(&state, actor, id, body, EventKind::Closed).await
}

/// The conclusion of an investigation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConcludeRequest {
    /// Was the report true?
    pub substantiated: bool,
    /// What the investigation found (internal).
    pub finding: String,
    /// The reply to the reporter (答复), which they see with their ticket.
    pub reply: String,
}

/// Conclude the investigation (the officer assigned). A substantiated complaint opens a violation against
/// its subject and adds an event to the subject's credit file.
#[utoipa::path(
    tag = "complaints",
    params(("id" = uuid::Uuid, Path, description = "complaint id")),
    request_body = ConcludeRequest,
    responses((status = 200, body = ComplaintView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/complaints/{id}/conclude")]
pub async fn conclude(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<ConcludeRequest>,
) -> AppResult<Json<ComplaintView>> {
    let body = body.into_inner();
    let required = |v: String, field: &str, zh: &str| {
        bounded(Some(v), field, zh, 2000)?.ok_or_else(|| empty(field, zh))
    };
    let finding = required(body.finding, "finding", "调查结论")?;
    let reply = required(body.reply, "reply", "答复")?;
    let kind = if body.substantiated {
        EventKind::Substantiated
    } else {
        EventKind::Unsubstantiated
    };
    let id = id.into_inner().to_string();
    let v = make_move(&state, actor, id, kind, move |conn, c, _, e| {
        let violation_id = if body.substantiated {
            Some(super::outcome::substantiated(
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
    .await?;
    Ok(Json(v))
}

/// A reward.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RewardRequest {
    /// Amount, fen.
    pub amount_fen: i64,
    /// Note (basis of the amount).
    pub note: Option<String>,
}

/// Grant a reward for a substantiated report (a regulator of the receiving administration; notice art. 十).
#[utoipa::path(
    tag = "complaints",
    params(("id" = uuid::Uuid, Path, description = "complaint id")),
    request_body = RewardRequest,
    responses((status = 200, body = ComplaintView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/complaints/{id}/reward")]
pub async fn reward(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<RewardRequest>,
) -> AppResult<Json<ComplaintView>> {
    let body = body.into_inner();
    if !(1..=100_000_000).contains(&body.amount_fen) {
        return Err(Code::InvalidAmount.into());
    }
    let note = bounded(body.note, "note", "备注", 1000)?;
    let id = id.into_inner().to_string();
    let v = make_move(&state, actor, id, EventKind::Rewarded, move |_, _, _, e| {
        Ok(ComplaintEvent {
            reward_fen: Some(body.amount_fen),
            note,
            ..e
        })
    })
    .await?;
    Ok(Json(v))
}

/// A reward payment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaidRequest {
    /// Day it was paid (China date; not in the future).
    pub paid_on: NaiveDate,
    /// Note (payment reference).
    pub note: Option<String>,
}

/// Record that a reward was paid (a regulator of the receiving administration).
#[utoipa::path(
    tag = "complaints",
    params(("id" = uuid::Uuid, Path, description = "complaint id")),
    request_body = PaidRequest,
    responses((status = 200, body = ComplaintView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/complaints/{id}/reward/paid")]
pub async fn reward_paid(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<PaidRequest>,
) -> AppResult<Json<ComplaintView>> {
    let body = body.into_inner();
    if body.paid_on > crate::time::today_china() {
        return Err(Refusal::of(Code::DateInFuture)
            .with("field", "paid_on")
            .with("day", body.paid_on)
            .into());
    }
    let note = bounded(body.note, "note", "备注", 1000)?;
    let id = id.into_inner().to_string();
    let v = make_move(
        &state,
        actor,
        id,
        EventKind::RewardPaid,
        move |_, _, s, e| {
            if s.paid_on.is_some() {
                return Err(Code::RewardAlreadyPaid.into());
            }
            Ok(ComplaintEvent {
                paid_on: Some(body.paid_on),
                note,
                ..e
            })
        },
    )
    .await?;
    Ok(Json(v))
}
