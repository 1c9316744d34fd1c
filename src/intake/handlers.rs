//! HTTP handlers for intakes and the vet's checks.

use actix_web::{get, post, web, HttpResponse};

use super::model::{IntakeCheck, IntakeView, IntakeWithTags};
use super::usecases::{self, NewCheck, NewIntake};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::paging::{Page, PageParams};
use crate::policy::Actor;
use crate::state::AppState;

/// Record an intake (slaughterhouse staff). Every rule of arts. 一 and 五 is checked; a refused request that
/// would have broken one is recorded as an attempt.
#[utoipa::path(
    tag = "slaughter chain",
    request_body = NewIntake,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = IntakeWithTags),
        (status = 200, description = "already recorded under this Idempotency-Key", body = IntakeWithTags),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, description = "refused: certificate_expired, species_mismatch, destination_mismatch, \
            certificate_used_up, ear_tag_already_slaughtered, ear_tag_not_on_certificate, \
            slaughterhouse_suspended, slaughterhouse_revoked, licence_expired, species_not_licensed, ...", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/intakes")]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    body: Json<NewIntake>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "intake.create", &*body);
    let out = usecases::create(&state, &actor, key, body.into_inner()).await?;
    Ok(out.respond())
}

/// One intake.
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "intake id")),
    responses((status = 200, body = IntakeView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/intakes/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<IntakeView>> {
    let out = usecases::get_one(&state, &actor, id.into_inner()).await?;
    Ok(Json(out))
}

/// Intakes at slaughterhouses in the caller's scope, newest first.
#[utoipa::path(
    tag = "slaughter chain",
    params(PageParams),
    responses((status = 200, body = Page<IntakeWithTags>)),
    security(("bearer" = []))
)]
#[get("/intakes")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<IntakeWithTags>>> {
    let out = usecases::list(&state, &actor, page.into_inner()).await?;
    Ok(Json(out))
}

/// Check an intake (回收 of the certificate; official vet stationed at the slaughterhouse).
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "intake id"), crate::idempotency::KeyHeader),
    request_body = NewCheck,
    responses(
        (status = 201, body = IntakeCheck),
        (status = 200, description = "already recorded under this Idempotency-Key", body = IntakeCheck),
        (status = 404, body = Problem),
        (status = 409, description = "intake_already_checked, idempotency_key_reused", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/intakes/{id}/checks")]
pub async fn check(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<NewCheck>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "intake_check.create", &(*id, &*body));
    let out = usecases::check(&state, &actor, key, id.into_inner(), body.into_inner()).await?;
    Ok(out.respond())
}
