//! HTTP handlers for animal certificates.

use actix_web::{get, post, web, HttpResponse};

use super::model::CertificateWithTags;
use super::usecases::{self, CertificateQuery, NewAnimalCertificate};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::paging::Page;
use crate::policy::Actor;
use crate::state::AppState;

/// Record an animal certificate addressed to a slaughterhouse in the caller's scope (the slaughterhouse
/// itself, or an official vet stationed there).
#[utoipa::path(
    tag = "slaughter chain",
    request_body = NewAnimalCertificate,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = CertificateWithTags),
        (status = 200, description = "already recorded under this Idempotency-Key", body = CertificateWithTags),
        (status = 409, description = "number already recorded; idempotency_key_reused", body = Problem),
        (status = 422, description = "bad ear tag, head count or field", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/animal-certificates")]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    body: Json<NewAnimalCertificate>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "animal_certificate.create", &*body);
    let out = usecases::create(&state, &actor, key, body.into_inner()).await?;
    Ok(out.respond())
}

/// One animal certificate (addressed to a slaughterhouse in the caller's scope).
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "certificate id")),
    responses((status = 200, body = CertificateWithTags), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/animal-certificates/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<CertificateWithTags>> {
    let out = usecases::get_one(&state, &actor, id.into_inner()).await?;
    Ok(Json(out))
}

/// Animal certificates addressed to slaughterhouses in the caller's scope, newest first.
#[utoipa::path(
    tag = "slaughter chain",
    params(CertificateQuery),
    responses((status = 200, body = Page<CertificateWithTags>)),
    security(("bearer" = []))
)]
#[get("/animal-certificates")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<CertificateQuery>,
) -> AppResult<Json<Page<CertificateWithTags>>> {
    let out = usecases::list(&state, &actor, query.into_inner()).await?;
    Ok(Json(out))
}
