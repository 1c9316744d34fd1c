//! HTTP handlers for organisations (admin).

use actix_web::{get, post, web, HttpResponse};

use super::model::Organisation;
use super::usecases::{self, CreateOrganisation, OrgQuery};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::paging::Page;
use crate::policy::Actor;
use crate::state::AppState;

/// Create an organisation (admin).
#[utoipa::path(
    tag = "organisations",
    request_body = CreateOrganisation,
    responses((status = 201, body = Organisation), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/organisations")]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    body: Json<CreateOrganisation>,
) -> AppResult<HttpResponse> {
    let org = usecases::create(&state, &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(org))
}

/// List organisations (admin).
#[utoipa::path(
    tag = "organisations",
    params(OrgQuery),
    responses((status = 200, body = Page<Organisation>)),
    security(("bearer" = []))
)]
#[get("/organisations")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<OrgQuery>,
) -> AppResult<Json<Page<Organisation>>> {
    Ok(Json(
        usecases::list(&state, &actor, query.into_inner()).await?,
    ))
}

/// One organisation: the admin sees any, everyone else their own.
#[utoipa::path(
    tag = "organisations",
    params(("id" = uuid::Uuid, Path, description = "organisation id")),
    responses((status = 200, body = Organisation), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/organisations/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<Organisation>> {
    Ok(Json(usecases::get(&state, &actor, id.into_inner()).await?))
}
