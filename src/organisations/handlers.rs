//! HTTP handlers for organisations (admin).

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{District, OrgKind, Organisation};
use super::queries;
use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor};
use crate::state::AppState;

/// Create an organisation. Slaughterhouses are created by designation (`POST /slaughterhouses`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisation {
    /// Kind (not `slaughterhouse`).
    pub kind: OrgKind,
    /// Name.
    pub name: String,
    /// District; absent for a city-level organisation.
    pub district: Option<District>,
}

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
    actor.authorize(Action::ManageAccounts)?;
    let b = body.into_inner();
    let name = b.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::unprocessable(
            "invalid_field",
            "机构名称不能为空，且不超过 200 个字符",
            "name must be 1 to 200 characters",
        ));
    }
    if b.kind == OrgKind::Slaughterhouse {
        return Err(AppError::unprocessable(
            "use_designation",
            "屠宰厂须由屠宰行政管理部门通过定点登记（POST /api/v1/slaughterhouses）创建",
            "slaughterhouses are created by designation (POST /api/v1/slaughterhouses)",
        ));
    }
    if matches!(b.kind, OrgKind::Buyer) && b.district.is_none() {
        return Err(AppError::unprocessable(
            "district_required",
            "经营者须属于一个区",
            "a buyer business belongs to a district",
        ));
    }
    let org = state
        .db
        .write(move |conn| queries::create(conn, Some(&actor.user_id), b.kind, &name, b.district))
        .await?;
    Ok(HttpResponse::Created().json(org))
}

/// Filters of the organisation list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrgQuery {
    /// Kind.
    pub kind: Option<OrgKind>,
    /// District.
    pub district: Option<District>,
    /// Items per page (1-200, default 50).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
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
    actor.authorize(Action::ManageAccounts)?;
    let q = query.into_inner();
    let page = PageParams {
        limit: q.limit,
        offset: q.offset,
    };
    let out = state
        .db
        .read(move |conn| {
            let (items, total) = queries::list(conn, q.kind, q.district, page)?;
            Ok(Page::new(items, total, page))
        })
        .await?;
    Ok(Json(out))
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
    let id = id.into_inner().to_string();
    if actor.authorize(Action::ManageAccounts).is_err() && actor.org_id != id {
        return Err(AppError::not_found("机构", "organisation"));
    }
    let org = state
        .db
        .read(move |conn| {
            queries::find(conn, &id)?.ok_or_else(|| AppError::not_found("机构", "organisation"))
        })
        .await?;
    Ok(Json(org))
}
