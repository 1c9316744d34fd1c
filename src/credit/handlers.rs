//! HTTP handlers for credit files.

use actix_web::{get, post, web, HttpResponse};

use super::model::CreditEvent;
use super::usecases::{self, NewCreditEvent};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::paging::{Page, PageParams};
use crate::policy::Actor;
use crate::state::AppState;

/// An enterprise's credit file, newest first.
#[utoipa::path(
    tag = "credit",
    params(("id" = uuid::Uuid, Path, description = "enterprise (organisation) id"), PageParams),
    responses((status = 200, body = Page<CreditEvent>), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/organisations/{id}/credit-events")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<CreditEvent>>> {
    let out = usecases::list(&state, &actor, id.into_inner(), page.into_inner()).await?;
    Ok(Json(out))
}

/// Add a commendation, warning or note to an enterprise's credit file (the regulator of its side).
#[utoipa::path(
    tag = "credit",
    params(("id" = uuid::Uuid, Path, description = "enterprise (organisation) id"), crate::idempotency::KeyHeader),
    request_body = NewCreditEvent,
    responses(
        (status = 201, body = CreditEvent),
        (status = 200, description = "already recorded under this Idempotency-Key", body = CreditEvent),
        (status = 404, body = Problem),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/organisations/{id}/credit-events")]
pub async fn add(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<NewCreditEvent>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "credit_event.create", &(*id, &*body));
    let e = usecases::add(&state, &actor, id.into_inner(), key, body.into_inner()).await?;
    Ok(e.respond())
}

/// An enterprise's credit score, derived from its file (formula in docs/rules.md), with the events counted.
#[utoipa::path(
    tag = "credit",
    params(("id" = uuid::Uuid, Path, description = "enterprise (organisation) id")),
    responses((status = 200, body = super::score::CreditScore), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/organisations/{id}/credit-score")]
pub async fn score(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<super::score::CreditScore>> {
    Ok(Json(
        usecases::score(&state, &actor, id.into_inner()).await?,
    ))
}
