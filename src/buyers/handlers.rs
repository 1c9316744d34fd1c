//! HTTP handlers for the buyer registry.

use actix_web::{get, post, web, HttpResponse};

use super::usecases::{self, BuyerQuery, BuyerView, NewBuyer, PublicBuyer};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::paging::Page;
use crate::policy::Actor;
use crate::state::AppState;

/// Register a buyer (circulation administration; a district-level one in its district).
#[utoipa::path(
    tag = "circulation",
    request_body = NewBuyer,
    responses((status = 201, body = BuyerView), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/buyers")]
pub async fn register(
    state: web::Data<AppState>,
    actor: Actor,
    body: Json<NewBuyer>,
) -> AppResult<HttpResponse> {
    let out = usecases::register(&state, &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One buyer's registry record (regulators in scope; a vendor, its own).
#[utoipa::path(
    tag = "circulation",
    params(("id" = uuid::Uuid, Path, description = "buyer id")),
    responses((status = 200, body = BuyerView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/buyers/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<BuyerView>> {
    let id = id.into_inner().to_string();
    Ok(Json(usecases::get_one(&state, &actor, id).await?))
}

/// The public directory of registered buyers (no login): who may be shipped to.
#[utoipa::path(tag = "public", params(BuyerQuery), responses((status = 200, body = Page<PublicBuyer>)))]
#[get("/public/buyers")]
pub async fn public_list(
    state: web::Data<AppState>,
    query: web::Query<BuyerQuery>,
) -> AppResult<Json<Page<PublicBuyer>>> {
    Ok(Json(
        usecases::public_list(&state, query.into_inner()).await?,
    ))
}
