//! What can be done with intakes: record one (every rule of arts. 一 and 五, refused rule-breaking attempts
//! recorded), read one, list them, and the official vet's check, each within the caller's scope.

use chrono::{DateTime, FixedOffset, SubsecRound};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::domain::Arrival;
use super::model::{IntakeCheck, IntakeView, IntakeWithTags};
use super::queries;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Answer, Bound};
use crate::identifiers::EarTag;
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Scope};
use crate::refusal::{Code, Refusal};
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
    pub ear_tags: Vec<EarTag>,
    /// Vehicle plate.
    pub vehicle_plate: String,
    /// When they arrived, with offset (default: now).
    #[schema(value_type = Option<String>)]
    pub received_at: Option<DateTime<FixedOffset>>,
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

/// Record an intake at the caller's slaughterhouse (audited; once per idempotency key). A refusal that
/// would have broken a rule is recorded as an attempt.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    key: Option<Bound>,
    b: NewIntake,
) -> AppResult<Answer<IntakeWithTags>> {
    actor.authorize(Action::RecordSlaughter)?;
    if b.heads_alive < 0
        || b.heads_dead < 0
        || b.heads_alive + b.heads_dead <= 0
        || b.heads_alive > 10_000
    {
        return Err(Refusal::of(Code::InvalidHeadCount)
            .with("what", "活畜与途亡头数")
            .with("what_en", "heads alive and dead")
            .with("max", 10_000)
            .at("heads_alive")
            .into());
    }
    let ear_tags = crate::certificates::domain::check_ear_tags(&b.ear_tags, b.species)?;
    if ear_tags.len() > b.heads_alive as usize {
        return Err(Refusal::of(Code::TooManyEarTags).at("ear_tags").into());
    }
    let plate = text(&b.vehicle_plate, "vehicle_plate", "车牌号")?;
    let number = text(&b.certificate_number, "certificate_number", "证明编号")?;
    let received_at = match b.received_at {
        Some(t) => t.naive_utc().trunc_subsecs(6),
        None => crate::time::now(),
    };
    let house = actor.org_id.clone();
    let lookup = number.clone();
    let cert_id = state
        .db
        .read(move |conn| Ok(queries::certificate_id_by_number(conn, &lookup)?))
        .await?;
    let records = cert_id
        .map(|id| vec![("animal_certificate", id)])
        .unwrap_or_default();
    let actor_id = actor.user_id.clone();
    let species = b.species;
    let (alive, dead) = (b.heads_alive, b.heads_dead);
    crate::violations::attempts::write_or_record_attempt(
        state,
        actor,
        house.clone(),
        records,
        move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let arrival = Arrival {
                    species,
                    alive,
                    dead,
                    ear_tags: &ear_tags,
                };
                queries::create(
                    conn,
                    Some(&actor_id),
                    &house,
                    &number,
                    &arrival,
                    &plate,
                    received_at,
                )
            })
        },
    )
    .await
}

/// An intake at a slaughterhouse in `scope`, else not found.
pub fn intake_in_scope(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
) -> AppResult<IntakeWithTags> {
    let i = queries::find(conn, id)?.ok_or_else(|| AppError::not_found("进厂记录", "intake"))?;
    crate::slaughterhouses::queries::find_in_scope(conn, scope, &i.intake.slaughterhouse_id)
        .map_err(|_| AppError::not_found("进厂记录", "intake"))?;
    Ok(i)
}

/// One intake in the caller's scope, with the vet's check and the heads already drawn.
pub async fn get_one(state: &AppState, actor: &Actor, id: uuid::Uuid) -> AppResult<IntakeView> {
    let scope = actor.authorize(Action::ReadSlaughterChain)?;
    let id = id.to_string();
    state
        .db
        .read(move |conn| {
            let intake = intake_in_scope(conn, &scope, &id)?;
            Ok(IntakeView {
                check: queries::check_of(conn, &id)?,
                heads_drawn: queries::heads_drawn(conn, &id)?,
                intake,
            })
        })
        .await
}

/// Intakes at slaughterhouses in the caller's scope, newest first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    page: PageParams,
) -> AppResult<Page<IntakeWithTags>> {
    let scope = actor.authorize(Action::ReadSlaughterChain)?;
    state
        .db
        .read(move |conn| {
            crate::slaughterhouses::queries::page_over_houses(conn, &scope, page, queries::list)
        })
        .await
}

/// The official vet's check of an intake in their scope (audited; once per intake and per idempotency key).
pub async fn check(
    state: &AppState,
    actor: &Actor,
    key: Option<Bound>,
    id: uuid::Uuid,
    b: NewCheck,
) -> AppResult<Answer<IntakeCheck>> {
    let scope = actor.authorize(Action::RecordVetWork)?;
    let id = id.to_string();
    let note = b
        .note
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let vet = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                intake_in_scope(conn, &scope, &id)?;
                queries::add_check(conn, &vet, &id, b.accepted, note)
            })
        })
        .await
}
