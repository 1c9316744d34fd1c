//! HTTP handlers of the registry: designation, amendments, status changes, agreements, fee schedules, the
//! standing on a day, and the public read. Each extracts, calls one use case and renders.

use actix_web::{get, patch, post, web, HttpResponse};

use super::model::{FeeItem, QualityAgreement, StatusChange};
use super::usecases::{
    self, AgreementRequest, AmendRequest, DesignateRequest, EndFeeItemRequest, FeeItemRequest,
    FeeQuery, ListQuery, PublicQuery, StandingQuery, StatusChangeRequest,
};
use super::views::{PublicSlaughterhouse, SlaughterhouseView, Standing};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::paging::Page;
use crate::policy::Actor;
use crate::state::AppState;

/// Designate a slaughterhouse (slaughter regulator; a district-level one only in its district).
#[utoipa::path(
    tag = "slaughterhouses",
    request_body = DesignateRequest,
    responses(
        (status = 201, body = SlaughterhouseView),
        (status = 409, description = "credit code or designation number already registered", body = Problem),
        (status = 422, description = "invalid credit code, dates or fields", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/slaughterhouses")]
pub async fn designate(
    state: web::Data<AppState>,
    actor: Actor,
    body: Json<DesignateRequest>,
) -> AppResult<HttpResponse> {
    let v = usecases::designate(&state, &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(v))
}

/// List slaughterhouses in the caller's scope, with filters and paging.
#[utoipa::path(
    tag = "slaughterhouses",
    params(ListQuery),
    responses((status = 200, body = Page<SlaughterhouseView>)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<ListQuery>,
) -> AppResult<Json<Page<SlaughterhouseView>>> {
    Ok(Json(
        usecases::list(&state, &actor, query.into_inner()).await?,
    ))
}

/// One slaughterhouse's full record.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    responses((status = 200, body = SlaughterhouseView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<SlaughterhouseView>> {
    let id = id.into_inner().to_string();
    Ok(Json(usecases::get_one(&state, &actor, id).await?))
}

/// Amend a slaughterhouse's record (slaughter regulator).
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    request_body = AmendRequest,
    responses((status = 200, body = SlaughterhouseView), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[patch("/slaughterhouses/{id}")]
pub async fn amend(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<AmendRequest>,
) -> AppResult<Json<SlaughterhouseView>> {
    let id = id.into_inner().to_string();
    Ok(Json(
        usecases::amend(&state, &actor, id, body.into_inner()).await?,
    ))
}

/// Change a slaughterhouse's status, with a reason (slaughter regulator). Revocation is final.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    request_body = StatusChangeRequest,
    responses(
        (status = 201, body = StatusChange),
        (status = 409, description = "not allowed from the current status", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/slaughterhouses/{id}/status-changes")]
pub async fn change_status(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<StatusChangeRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let change = usecases::change_status(&state, &actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(change))
}

/// A slaughterhouse's status history, oldest first.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    responses((status = 200, body = Vec<StatusChange>), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses/{id}/status-changes")]
pub async fn status_history(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<Vec<StatusChange>>> {
    let id = id.into_inner().to_string();
    Ok(Json(usecases::status_history(&state, &actor, id).await?))
}

/// Record a quality-safety agreement (art. 六; slaughter regulator).
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    request_body = AgreementRequest,
    responses((status = 201, body = QualityAgreement), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/slaughterhouses/{id}/agreements")]
pub async fn add_agreement(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<AgreementRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let a = usecases::add_agreement(&state, &actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(a))
}

/// A slaughterhouse's agreements, newest first.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    responses((status = 200, body = Vec<QualityAgreement>), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses/{id}/agreements")]
pub async fn list_agreements(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<Vec<QualityAgreement>>> {
    let id = id.into_inner().to_string();
    Ok(Json(usecases::list_agreements(&state, &actor, id).await?))
}

/// Add an approved fee item to the schedule (art. 四; slaughter regulator).
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    request_body = FeeItemRequest,
    responses(
        (status = 201, body = FeeItem),
        (status = 409, description = "the same item is already approved for part of that period", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/slaughterhouses/{id}/fee-items")]
pub async fn add_fee_item(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<FeeItemRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let f = usecases::add_fee_item(&state, &actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(f))
}

/// A slaughterhouse's fee schedule.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id"), FeeQuery),
    responses((status = 200, body = Vec<FeeItem>), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses/{id}/fee-items")]
pub async fn list_fee_items(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    query: web::Query<FeeQuery>,
) -> AppResult<Json<Vec<FeeItem>>> {
    let id = id.into_inner().to_string();
    Ok(Json(
        usecases::list_fee_items(&state, &actor, id, query.into_inner()).await?,
    ))
}

/// Set the last day of a fee item (slaughter regulator), so a new cap can follow it.
#[utoipa::path(
    tag = "slaughterhouses",
    params(
        ("id" = uuid::Uuid, Path, description = "slaughterhouse id"),
        ("item_id" = uuid::Uuid, Path, description = "fee item id"),
    ),
    request_body = EndFeeItemRequest,
    responses((status = 200, body = FeeItem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/slaughterhouses/{id}/fee-items/{item_id}/end")]
pub async fn end_fee_item(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
    body: Json<EndFeeItemRequest>,
) -> AppResult<Json<FeeItem>> {
    let (id, item_id) = path.into_inner();
    let (id, item_id) = (id.to_string(), item_id.to_string());
    Ok(Json(
        usecases::end_fee_item(&state, &actor, id, item_id, body.into_inner()).await?,
    ))
}

/// May it slaughter, is it in the network, is it halal-certified, on a day.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id"), StandingQuery),
    responses((status = 200, body = Standing), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses/{id}/standing")]
pub async fn get_standing(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    query: web::Query<StandingQuery>,
) -> AppResult<Json<Standing>> {
    let id = id.into_inner().to_string();
    Ok(Json(
        usecases::standing(&state, &actor, id, query.into_inner()).await?,
    ))
}

/// The public registry of designated slaughterhouses (no login).
#[utoipa::path(
    tag = "public",
    params(PublicQuery),
    responses((status = 200, body = Page<PublicSlaughterhouse>))
)]
#[get("/public/slaughterhouses")]
pub async fn public_list(
    state: web::Data<AppState>,
    query: web::Query<PublicQuery>,
) -> AppResult<Json<Page<PublicSlaughterhouse>>> {
    Ok(Json(
        usecases::public_list(&state, query.into_inner()).await?,
    ))
}
