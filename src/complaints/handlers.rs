//! HTTP handlers for complaints: public filing and follow-up, hotline entry, and the officers' workflow.
//! Each extracts, calls one use case of [`super::usecases`] and renders.

use actix_web::{get, post, web, HttpRequest, HttpResponse};

use super::model::{ComplaintView, Filed, Officer, TicketView};
use super::usecases::{
    self, ClaimRequest, ConcludeRequest, DispatchRequest, FileRequest, ListQuery, NoteRequest,
    PaidRequest, RewardRequest, TicketRequest,
};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::paging::{Page, PageParams};
use crate::policy::Actor;
use crate::state::AppState;

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
    Ok(usecases::file_web(&state, key, body.into_inner())
        .await?
        .respond())
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
        (status = 409, description = "work_order_no_taken (the work-order number was entered before), idempotency_key_reused", body = Problem),
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
    Ok(usecases::file_phone(&state, &actor, key, body.into_inner())
        .await?
        .respond())
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
) -> AppResult<Json<TicketView>> {
    state.auth.limits.lookup(&req)?;
    Ok(Json(usecases::lookup(&state, body.into_inner()).await?))
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
) -> AppResult<Json<TicketView>> {
    state.auth.limits.lookup(&req)?;
    Ok(Json(
        usecases::claim_reward(&state, body.into_inner()).await?,
    ))
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
    Ok(Json(usecases::list(&state, &actor, q.into_inner()).await?))
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
    Ok(Json(
        usecases::overdue(&state, &actor, page.into_inner()).await?,
    ))
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
    Ok(Json(usecases::get_one(&state, &actor, id).await?))
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
    Ok(Json(usecases::officers(&state, &actor, id).await?))
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
    let id = id.into_inner().to_string();
    Ok(Json(
        usecases::dispatch(&state, &actor, id, body.into_inner()).await?,
    ))
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
    let id = id.into_inner().to_string();
    Ok(Json(
        usecases::investigate(&state, &actor, id, body.into_inner()).await?,
    ))
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
    let id = id.into_inner().to_string();
    Ok(Json(
        usecases::close(&state, &actor, id, body.into_inner()).await?,
    ))
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
    let id = id.into_inner().to_string();
    Ok(Json(
        usecases::conclude(&state, &actor, id, body.into_inner()).await?,
    ))
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
    let id = id.into_inner().to_string();
    Ok(Json(
        usecases::reward(&state, &actor, id, body.into_inner()).await?,
    ))
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
    let id = id.into_inner().to_string();
    Ok(Json(
        usecases::reward_paid(&state, &actor, id, body.into_inner()).await?,
    ))
}
