//! HTTP handlers for lots: making them from a batch, reading them, QR labels, the printable label sheet,
//! and weight corrections.

use actix_web::{get, post, web, HttpResponse};

use super::labels;
use super::model::{Correction, LotView};
use super::usecases::{self, NewLots, WeightCorrection};
use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::policy::Actor;
use crate::state::AppState;

/// Make lots from a batch, each with a trace code (slaughterhouse staff). The batch needs a product
/// certificate and a passing inspection certificate; its lots may not weigh more than was inspected.
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "batch id"), crate::idempotency::KeyHeader),
    request_body = NewLots,
    responses(
        (status = 201, body = Vec<LotView>),
        (status = 200, description = "already made under this Idempotency-Key (the lots as they were then)", body = Vec<LotView>),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, description = "no_product_certificate, no_passing_inspection, lots_exceed_inspected_weight, invalid_gtin", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/batches/{id}/lots")]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<NewLots>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "lots.create", &(*id, &*body));
    let out = usecases::create(&state, &actor, key, id.into_inner(), body.into_inner()).await?;
    Ok(out.respond())
}

/// One lot, with the weight in force and its corrections.
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "lot id")),
    responses((status = 200, body = LotView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/lots/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<LotView>> {
    let out = usecases::get_one(&state, &actor, id.into_inner()).await?;
    Ok(Json(out))
}

/// The lot's QR label as PNG: it encodes the public verification address.
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "lot id")),
    responses((status = 200, content_type = "image/png", description = "QR code"), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/lots/{id}/qr.png")]
pub async fn qr_png(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<HttpResponse> {
    let url = usecases::verification_url(&state, &actor, id.into_inner()).await?;
    let png = web::block(move || labels::qr_png(&url))
        .await?
        .map_err(AppError::internal_from)?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("cache-control", "private, max-age=86400"))
        .body(png))
}

/// The lot's QR label as SVG.
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "lot id")),
    responses((status = 200, content_type = "image/svg+xml", description = "QR code"), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/lots/{id}/qr.svg")]
pub async fn qr_svg(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<HttpResponse> {
    let url = usecases::verification_url(&state, &actor, id.into_inner()).await?;
    let svg = labels::qr_svg(&url).map_err(AppError::internal_from)?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("cache-control", "private, max-age=86400"))
        .body(svg))
}

/// A printable sheet of labels for every open lot of a batch (HTML, A4).
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "batch id")),
    responses((status = 200, content_type = "text/html", description = "label sheet"), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/batches/{id}/labels")]
pub async fn label_sheet(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<HttpResponse> {
    let html = usecases::label_sheet(&state, &actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// Correct a lot's weight (slaughterhouse staff): a new record; the lot is never edited.
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "lot id"), crate::idempotency::KeyHeader),
    request_body = WeightCorrection,
    responses(
        (status = 201, body = Correction),
        (status = 200, description = "already recorded under this Idempotency-Key", body = Correction),
        (status = 409, description = "lot_closed, idempotency_key_reused", body = Problem),
        (status = 422, description = "lots_exceed_inspected_weight", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/lots/{id}/corrections")]
pub async fn correct(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<WeightCorrection>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "lot_correction.create", &(*id, &*body));
    let out = usecases::correct(&state, &actor, key, id.into_inner(), body.into_inner()).await?;
    Ok(out.respond())
}
