//! HTTP handlers of what a holder does with its stock: split a lot into child lots with their own codes,
//! dispose of its own quantity, mark a lot sold out for the day.

use actix_web::{post, web, HttpResponse};

use super::usecases::{self, HolderDisposal, SplitRequest};
use crate::body::Json;
use crate::disposals::model::Disposal;
use crate::error::{AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::lots::model::LotView;
use crate::policy::Actor;
use crate::state::AppState;

/// Split what the caller holds of a lot into child lots, each with its own trace code and QR label (vendor).
/// Children keep the parent's origin and certificates and never weigh more than what is held of it.
#[utoipa::path(
    tag = "circulation",
    params(("id" = uuid::Uuid, Path, description = "parent lot id"), crate::idempotency::KeyHeader),
    request_body = SplitRequest,
    responses(
        (status = 201, body = Vec<LotView>),
        (status = 200, description = "already split under this Idempotency-Key (the lots as they were then)", body = Vec<LotView>),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, description = "exceeds_holding, lot_recalled, lot_disposed", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/lots/{id}/splits")]
pub async fn split(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<SplitRequest>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "lot_split.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let out = usecases::split(&state, &actor, id, key, body.into_inner()).await?;
    Ok(out.respond())
}

/// Record the disposal of the caller's own quantity of a lot (a recall, spoilage): it reduces what it holds.
#[utoipa::path(
    tag = "circulation",
    params(("id" = uuid::Uuid, Path, description = "lot id"), crate::idempotency::KeyHeader),
    request_body = HolderDisposal,
    responses(
        (status = 201, body = Disposal),
        (status = 200, description = "already recorded under this Idempotency-Key", body = Disposal),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, description = "exceeds_holding", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/lots/{id}/holder-disposals")]
pub async fn dispose_held(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<HolderDisposal>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "holder_disposal.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let out = usecases::dispose_held(&state, &actor, id, key, body.into_inner()).await?;
    Ok(out.respond())
}

use super::model::SoldOutMark;

/// Mark a lot sold out on today's stall board (vendor): it leaves today's board.
#[utoipa::path(
    tag = "circulation",
    params(("id" = uuid::Uuid, Path, description = "lot id")),
    responses((status = 201, body = SoldOutMark), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/lots/{id}/sold-out")]
pub async fn sold_out(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let out = usecases::sold_out(&state, &actor, id).await?;
    Ok(HttpResponse::Created().json(out))
}
