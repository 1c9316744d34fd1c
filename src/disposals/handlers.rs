//! HTTP handler for recording a disposal.

use actix_web::{post, web, HttpResponse};

use super::model::Disposal;
use super::usecases::{self, NewDisposal};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::policy::Actor;
use crate::state::AppState;

/// Record a harmless disposal at the caller's slaughterhouse.
#[utoipa::path(
    tag = "slaughter chain",
    request_body = NewDisposal,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = Disposal),
        (status = 200, description = "already recorded under this Idempotency-Key", body = Disposal),
        (status = 404, body = Problem),
        (status = 409, description = "the lot is closed; idempotency_key_reused", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/disposals")]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    body: Json<NewDisposal>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "disposal.create", &*body);
    let out = usecases::create(&state, &actor, key, body.into_inner()).await?;
    Ok(out.respond())
}
