//! HTTP handler recalling a lot.

use actix_web::{post, web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;

use super::model::LotRecall;
use crate::app::AppState;
use crate::error::{AppError, AppResult, Problem};
use crate::policy::{Action, Actor, Owner};
use crate::schema::lot_recalls;
use crate::validate::text;

/// Recall a lot.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecallRequest {
    /// Why.
    pub reason: String,
}

/// Recall a lot (inspectors and regulators; a district-level one for lots of its district's slaughterhouses).
/// Every lot split from it is recalled with it.
#[utoipa::path(
    tag = "circulation",
    params(("id" = uuid::Uuid, Path, description = "lot id")),
    request_body = RecallRequest,
    responses((status = 201, body = LotRecall), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/lots/{id}/recalls")]
pub async fn recall(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: web::Json<RecallRequest>,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::Recall)?;
    let id = id.into_inner().to_string();
    let reason = text(&body.into_inner().reason, "reason", "召回原因")?;
    let out = state
        .db
        .write(move |conn| {
            let lot = crate::lots::queries::find(conn, &id)?;
            let house = crate::organisations::queries::find(conn, &lot.slaughterhouse_id)?
                .ok_or_else(|| AppError::not_found("批次产品", "lot"))?;
            scope.require(
                Owner {
                    org_id: &house.id,
                    kind: house.kind,
                    district: house.district,
                },
                "批次产品",
                "lot",
            )?;
            crate::stock::queries::lock_lot(conn, &lot.id)?;
            match crate::stock::queries::status(conn, &lot)? {
                crate::lots::model::LotStatus::Active => {}
                other => {
                    return Err(AppError::conflict(
                        "lot_not_active",
                        format!("该产品已是「{other}」状态"),
                        format!("the lot is already {other}"),
                    ))
                }
            }
            let r = LotRecall {
                id: uuid::Uuid::new_v4().to_string(),
                lot_id: lot.id,
                reason,
                recalled_by: Some(actor.user_id.clone()),
                recalled_at: crate::time::now(),
            };
            let r: LotRecall = diesel::insert_into(lot_recalls::table)
                .values(&r)
                .returning(lot_recalls::all_columns)
                .get_result(conn)?;
            crate::audit::record(conn, Some(&actor.user_id), "recall", &r)?;
            Ok(r)
        })
        .await?;
    state.verify_cache.invalidate_all();
    Ok(HttpResponse::Created().json(out))
}
