//! HTTP handlers for shipments.

use super::model::ShipmentWithLines;
use super::usecases::{self, NewShipment};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::paging::{Page, PageParams};
use crate::policy::Actor;
use crate::state::AppState;
use actix_web::{get, post, web, HttpResponse};

/// Declare a shipment (流通信息申报): a slaughterhouse from its lots, a buyer onwards from what it holds.
#[utoipa::path(
    tag = "circulation",
    request_body = NewShipment,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = ShipmentWithLines),
        (status = 200, description = "already recorded under this Idempotency-Key", body = ShipmentWithLines),
        (status = 409, description = "idempotency_key_reused, voucher_no_taken", body = Problem),
        (status = 422, description = "not_in_network, lot_recalled, lot_disposed, product_certificate_lapsed, \
            failed_heads_not_disposed, exceeds_available_weight, buyer_not_registered", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/shipments")]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    body: Json<NewShipment>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "shipment.create", &*body);
    let out = usecases::create(&state, &actor, key, body.into_inner()).await?;
    Ok(out.respond())
}

/// One shipment (its seller, its buyer, and regulators in scope).
#[utoipa::path(
    tag = "circulation",
    params(("id" = uuid::Uuid, Path, description = "shipment id")),
    responses((status = 200, body = ShipmentWithLines), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/shipments/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<ShipmentWithLines>> {
    let id = id.into_inner().to_string();
    Ok(Json(usecases::get_one(&state, &actor, id).await?))
}

/// Shipments the caller's organisation sent or received, newest first.
#[utoipa::path(
    tag = "circulation",
    params(PageParams),
    responses((status = 200, body = Page<ShipmentWithLines>)),
    security(("bearer" = []))
)]
#[get("/shipments")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<ShipmentWithLines>>> {
    Ok(Json(
        usecases::list(&state, &actor, page.into_inner()).await?,
    ))
}
