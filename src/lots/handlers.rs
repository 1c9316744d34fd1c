//! HTTP handlers for lots: making them from a batch, reading them, QR labels, the printable label sheet,
//! and weight corrections.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::labels::{self, LabelData};
use super::model::{Correction, LotView, ProductKind, Storage};
use super::queries::{self, NewLot};
use crate::body::Json;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
use crate::policy::{Action, Actor, Scope};
use crate::state::AppState;
use crate::validate::text;

/// One lot to make.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLotRequest {
    /// What it is.
    pub product_kind: ProductKind,
    /// Product name (e.g. 牛腩).
    pub product_name: String,
    /// Weight, grams.
    pub weight_g: i64,
    /// Chilled or frozen (sets the use-by date).
    pub storage: Storage,
    /// GTIN-8/12/13/14, when it has one.
    pub gtin: Option<String>,
}

/// Lots to make from a batch.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLots {
    /// The lots (1 to 500).
    pub lots: Vec<NewLotRequest>,
}

fn lot_in_scope(conn: &mut DbConnection, scope: &Scope, id: &str) -> AppResult<super::model::Lot> {
    let lot = queries::find(conn, id)?;
    crate::slaughterhouses::queries::find_in_scope(conn, scope, &lot.slaughterhouse_id)
        .map_err(|_| AppError::not_found("批次产品", "lot"))?;
    Ok(lot)
}

/// A lot the caller may read: on the slaughter side, in its scope; a buyer, one it has ever held. Roles
/// with neither get 403.
pub fn lot_for_reader(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> AppResult<super::model::Lot> {
    let slaughter_side = actor.authorize(Action::ReadSlaughterChain);
    let holder = actor.authorize(Action::KeepStock);
    if slaughter_side.is_err() && holder.is_err() {
        return Err(AppError::forbidden());
    }
    let lot = queries::find(conn, id)?;
    if let Ok(scope) = slaughter_side {
        if crate::slaughterhouses::queries::find_in_scope(conn, &scope, &lot.slaughterhouse_id)
            .is_ok()
        {
            return Ok(lot);
        }
    }
    if holder.is_ok() && crate::stock::queries::involved(conn, &actor.org_id, &lot)? {
        return Ok(lot);
    }
    Err(AppError::not_found("批次产品", "lot"))
}

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
    let scope = actor.authorize(Action::RecordSlaughter)?;
    let key = key.bind(&actor, "lots.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    if b.lots.is_empty() || b.lots.len() > 500 {
        return Err(AppError::unprocessable(
            "invalid_lot_count",
            "一次须分装 1 至 500 个产品",
            "make 1 to 500 lots at a time",
        ));
    }
    let mut new = Vec::with_capacity(b.lots.len());
    for l in b.lots {
        if l.weight_g <= 0 || l.weight_g > 10_000_000 {
            return Err(AppError::unprocessable(
                "invalid_weight",
                "产品重量须大于 0 克，且不超过 10 吨",
                "a lot weighs more than 0 g and at most 10 t",
            ));
        }
        let gtin = l
            .gtin
            .map(|g| g.trim().to_string())
            .filter(|g| !g.is_empty());
        if let Some(g) = &gtin {
            if !queries::valid_gtin(g) {
                return Err(AppError::unprocessable(
                    "invalid_gtin",
                    format!("GTIN {g} 无效（须为 8/12/13/14 位且校验位正确）"),
                    format!(
                        "GTIN {g} is not valid (8, 12, 13 or 14 digits with a correct check digit)"
                    ),
                ));
            }
        }
        new.push(NewLot {
            product_kind: l.product_kind,
            product_name: text(&l.product_name, "product_name", "产品名称")?,
            weight_g: l.weight_g,
            storage: l.storage,
            gtin,
        });
    }
    let rules = state.rules.clone();
    let out = state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let batch = crate::batches::queries::find_in_scope(conn, &scope, &id)?;
                let made = queries::create_lots(conn, &actor.user_id, &batch.batch, new, &rules)?;
                queries::views(conn, made, &rules)
            })
        })
        .await?;
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
    let id = id.into_inner().to_string();
    let rules = state.rules.clone();
    let out = state
        .db
        .read(move |conn| {
            let lot = lot_for_reader(conn, &actor, &id)?;
            queries::views(conn, vec![lot], &rules)?
                .pop()
                .ok_or_else(|| AppError::not_found("批次产品", "lot"))
        })
        .await?;
    Ok(Json(out))
}

async fn lot_code(state: &AppState, actor: &Actor, id: uuid::Uuid) -> AppResult<String> {
    let id = id.to_string();
    let actor = actor.clone();
    state
        .db
        .read(move |conn| Ok(lot_for_reader(conn, &actor, &id)?.trace_code))
        .await
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
    let code = lot_code(&state, &actor, id.into_inner()).await?;
    let url = state.rules.verification_url(&code);
    let png = web::block(move || labels::qr_png(&url))
        .await?
        .map_err(|e| AppError::internal_from(e))?;
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
    let code = lot_code(&state, &actor, id.into_inner()).await?;
    let svg = labels::qr_svg(&state.rules.verification_url(&code))
        .map_err(|e| AppError::internal_from(e))?;
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
    let scope = actor.authorize(Action::ReadSlaughterChain)?;
    let id = id.into_inner().to_string();
    let rules = state.rules.clone();
    let html = state
        .db
        .read(move |conn| {
            let batch = crate::batches::queries::find_in_scope(conn, &scope, &id)?.batch;
            let house = crate::organisations::queries::find(conn, &batch.slaughterhouse_id)?
                .map(|o| o.name)
                .unwrap_or_default();
            let species = match batch.species {
                crate::slaughterhouses::model::Species::Cattle => "牛",
                crate::slaughterhouses::model::Species::Sheep => "羊",
            };
            let of_batch = queries::of_batch(conn, &batch.id)?;
            let lots = queries::views(conn, of_batch, &rules)?;
            let labels: Vec<LabelData> = lots
                .into_iter()
                .filter(|l| l.status != super::model::LotStatus::Disposed)
                .map(|l| LabelData {
                    url: l.verification_url,
                    trace_code: l.trace_code_display,
                    product: format!("{species} · {} · {}", l.product_kind.zh(), l.product_name),
                    weight_g: l.weight_g,
                    slaughter_date: batch.slaughter_date,
                    use_by: l.use_by,
                    halal: l.halal,
                    slaughterhouse: house.clone(),
                })
                .collect();
            labels::label_sheet_html(&format!("{house} 批次 {} 标签", batch.batch_no), &labels)
                .map_err(|e| AppError::internal_from(e))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// Correct a lot's weight.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightCorrection {
    /// The correct weight, grams.
    pub weight_g: i64,
    /// Why.
    pub reason: String,
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
    let scope = actor.authorize(Action::RecordSlaughter)?;
    let key = key.bind(&actor, "lot_correction.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    if b.weight_g <= 0 {
        return Err(AppError::unprocessable(
            "invalid_weight",
            "重量须大于 0 克",
            "a weight must be more than 0 g",
        ));
    }
    let reason = text(&b.reason, "reason", "更正原因")?;
    let out = state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                lot_in_scope(conn, &scope, &id)?;
                queries::correct_weight(conn, &actor.user_id, &id, b.weight_g, &reason)
            })
        })
        .await?;
    Ok(out.respond())
}
