//! HTTP handlers for intakes and the vet's checks.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, FixedOffset, SubsecRound};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::domain::Arrival;
use super::model::{IntakeCheck, IntakeWithTags};
use super::queries;
use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Scope};
use crate::slaughterhouses::model::Species;
use crate::state::AppState;
use crate::validate::text;

/// Record an intake at the caller's slaughterhouse.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIntake {
    /// The animal certificate's number, as printed on it.
    pub certificate_number: String,
    /// Species that arrived.
    pub species: Species,
    /// Heads received alive.
    pub heads_alive: i32,
    /// Heads dead in transit (途亡).
    #[serde(default)]
    pub heads_dead: i32,
    /// Ear tags seen on the animals received alive.
    #[serde(default)]
    pub ear_tags: Vec<String>,
    /// Vehicle plate.
    pub vehicle_plate: String,
    /// When they arrived, with offset (default: now).
    #[schema(value_type = Option<String>)]
    pub received_at: Option<DateTime<FixedOffset>>,
}

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
    actor.authorize(Action::RecordSlaughter)?;
    let key = key.bind(&actor, "intake.create", &*body);
    let b = body.into_inner();
    if b.heads_alive < 0
        || b.heads_dead < 0
        || b.heads_alive + b.heads_dead <= 0
        || b.heads_alive > 10_000
    {
        return Err(AppError::unprocessable(
            "invalid_head_count",
            "活畜头数与途亡头数不能为负，合计须大于 0",
            "heads alive and dead cannot be negative and must add up to more than 0",
        ));
    }
    let ear_tags = crate::certificates::domain::check_ear_tags(&b.ear_tags, b.species)?;
    if ear_tags.len() > b.heads_alive as usize {
        return Err(AppError::unprocessable(
            "too_many_ear_tags",
            "耳标数多于活畜头数",
            "more ear tags than heads received alive",
        ));
    }
    let plate = text(&b.vehicle_plate, "vehicle_plate", "车牌号")?;
    let number = text(&b.certificate_number, "certificate_number", "证明编号")?;
    let received_at = match b.received_at {
        Some(t) => t.naive_utc().trunc_subsecs(6),
        None => crate::time::now(),
    };
    let house = actor.org_id.clone();
    let lookup = number.clone();
    let cert_id: Option<String> = state
        .db
        .read(move |conn| {
            use crate::schema::animal_certificates as c;
            Ok(c::table
                .filter(c::number.eq(lookup))
                .select(c::id)
                .first(conn)
                .optional()?)
        })
        .await?;
    let records = cert_id
        .map(|id| vec![("animal_certificate", id)])
        .unwrap_or_default();
    let actor_id = actor.user_id.clone();
    let species = b.species;
    let (alive, dead) = (b.heads_alive, b.heads_dead);
    let out = crate::violations::attempts::write_or_record_attempt(
        &state,
        &actor,
        house.clone(),
        records,
        move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                queries::create(
                    conn,
                    Some(&actor_id),
                    &house,
                    &number,
                    &Arrival {
                        species,
                        alive,
                        dead,
                        ear_tags: &ear_tags,
                    },
                    &plate,
                    received_at,
                )
            })
        },
    )
    .await?;
    Ok(out.respond())
}

fn intake_in_scope(
    conn: &mut crate::db::DbConnection,
    scope: &Scope,
    id: &str,
) -> AppResult<IntakeWithTags> {
    let i = queries::find(conn, id)?.ok_or_else(|| AppError::not_found("进厂记录", "intake"))?;
    crate::slaughterhouses::queries::find_in_scope(conn, scope, &i.intake.slaughterhouse_id)
        .map_err(|_| AppError::not_found("进厂记录", "intake"))?;
    Ok(i)
}

/// One intake, with the vet's check when there is one.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct IntakeView {
    /// The intake.
    #[serde(flatten)]
    pub intake: IntakeWithTags,
    /// The vet's check.
    pub check: Option<IntakeCheck>,
    /// Heads already drawn into batches.
    pub heads_drawn: i64,
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
    let scope = actor.authorize(Action::ReadSlaughterChain)?;
    let id = id.into_inner().to_string();
    let out = state
        .db
        .read(move |conn| {
            let intake = intake_in_scope(conn, &scope, &id)?;
            Ok(IntakeView {
                check: queries::check_of(conn, &id)?,
                heads_drawn: queries::heads_drawn(conn, &id)?,
                intake,
            })
        })
        .await?;
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
    let scope = actor.authorize(Action::ReadSlaughterChain)?;
    let page = page.into_inner();
    let out = state
        .db
        .read(move |conn| {
            crate::slaughterhouses::queries::page_over_houses(conn, &scope, page, queries::list)
        })
        .await?;
    Ok(Json(out))
}

/// The vet's check of an intake.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCheck {
    /// Accepted for slaughter (certificate collected, animals match)?
    pub accepted: bool,
    /// Remarks.
    pub note: Option<String>,
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
    let scope = actor.authorize(Action::RecordVetWork)?;
    let key = key.bind(&actor, "intake_check.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    let note = b
        .note
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let out = state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                intake_in_scope(conn, &scope, &id)?;
                queries::add_check(conn, &actor.user_id, &id, b.accepted, note)
            })
        })
        .await?;
    Ok(out.respond())
}
