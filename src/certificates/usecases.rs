//! What can be done with animal certificates: record one, read one, list them, each within the caller's
//! scope. Handlers and pages call these; nothing here knows HTTP.

use chrono::{DateTime, FixedOffset, SubsecRound};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain;
use super::model::{AnimalCertificate, AnimalCertificateType, CertificateWithTags};
use super::queries;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Answer, Bound};
use crate::identifiers::EarTag;
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor};
use crate::refusal::{Code, Refusal};
use crate::slaughterhouses::model::Species;
use crate::state::AppState;
use crate::validate::text;

/// Record an animal certificate.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAnimalCertificate {
    /// Certificate number as printed.
    pub number: String,
    /// Form: `animal_a` (inter-provincial) or `animal_b` (in-province).
    pub cert_type: AnimalCertificateType,
    /// Species.
    pub species: Species,
    /// Heads certified.
    pub head_count: i32,
    /// Owner (货主).
    pub owner_name: String,
    /// Place of origin.
    pub origin_place: String,
    /// Destination slaughterhouse id.
    pub destination_id: uuid::Uuid,
    /// Carrier.
    pub carrier: String,
    /// Vehicle plate.
    pub vehicle_plate: String,
    /// When it was issued, with offset (e.g. `2026-11-28T06:30:00+08:00`).
    #[schema(value_type = String)]
    pub issued_at: DateTime<FixedOffset>,
    /// Ear tags certified (15 digits each), at most one per head.
    #[serde(default)]
    pub ear_tags: Vec<EarTag>,
}

/// Filters of the certificate list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CertificateQuery {
    /// Destination slaughterhouse.
    pub destination_id: Option<uuid::Uuid>,
    /// Items per page (1-200, default 50).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// Record an animal certificate addressed to a slaughterhouse in the caller's scope (audited; once per
/// idempotency key).
pub async fn create(
    state: &AppState,
    actor: &Actor,
    key: Option<Bound>,
    b: NewAnimalCertificate,
) -> AppResult<Answer<CertificateWithTags>> {
    let scope = actor.authorize(Action::RecordAnimalCertificate)?;
    if !(1..=10_000).contains(&b.head_count) {
        return Err(Refusal::of(Code::InvalidHeadCount)
            .with("what", "证明头数")
            .with("what_en", "certified heads")
            .with("max", 10_000)
            .at("head_count")
            .into());
    }
    let ear_tags = domain::check_ear_tags(&b.ear_tags, b.species)?;
    if ear_tags.len() > b.head_count as usize {
        return Err(Refusal::of(Code::TooManyEarTags).at("ear_tags").into());
    }
    let issued_at = b.issued_at.naive_utc().trunc_subsecs(6);
    let issue_day = crate::time::china_date(issued_at);
    let now = crate::time::now();
    if issued_at > now + chrono::Duration::minutes(10) {
        return Err(Refusal::of(Code::IssuedInFuture).at("issued_at").into());
    }
    let cert = AnimalCertificate {
        id: uuid::Uuid::new_v4().to_string(),
        number: text(&b.number, "number", "证明编号")?,
        cert_type: b.cert_type,
        species: b.species,
        head_count: b.head_count,
        owner_name: text(&b.owner_name, "owner_name", "货主")?,
        origin_place: text(&b.origin_place, "origin_place", "启运地点")?,
        destination_id: b.destination_id.to_string(),
        carrier: text(&b.carrier, "carrier", "承运人")?,
        vehicle_plate: text(&b.vehicle_plate, "vehicle_plate", "车牌号")?,
        issued_at,
        valid_until: domain::valid_until(b.cert_type, issue_day, &state.rules),
        recorded_by: Some(actor.user_id.clone()),
        recorded_at: now,
    };
    let user = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                crate::slaughterhouses::queries::find_in_scope(conn, &scope, &cert.destination_id)?;
                queries::create(conn, Some(&user), cert, ear_tags)
            })
        })
        .await
}

/// One animal certificate addressed to a slaughterhouse in the caller's scope.
pub async fn get_one(
    state: &AppState,
    actor: &Actor,
    id: uuid::Uuid,
) -> AppResult<CertificateWithTags> {
    let scope = actor.authorize(Action::ReadSlaughterChain)?;
    let id = id.to_string();
    state
        .db
        .read(move |conn| {
            let c = queries::find(conn, &id)?
                .ok_or_else(|| AppError::not_found("检疫证明", "certificate"))?;
            crate::slaughterhouses::queries::find_in_scope(
                conn,
                &scope,
                &c.certificate.destination_id,
            )
            .map_err(|_| AppError::not_found("检疫证明", "certificate"))?;
            Ok(c)
        })
        .await
}

/// Animal certificates addressed to slaughterhouses in the caller's scope, newest first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    q: CertificateQuery,
) -> AppResult<Page<CertificateWithTags>> {
    let scope = actor.authorize(Action::ReadSlaughterChain)?;
    let page = PageParams {
        limit: q.limit,
        offset: q.offset,
    };
    state
        .db
        .read(move |conn| {
            let houses = crate::slaughterhouses::queries::ids_in_scope(conn, &scope)?;
            let wanted: Vec<String> = match q.destination_id {
                Some(d) => houses.into_iter().filter(|h| *h == d.to_string()).collect(),
                None => houses,
            };
            let (items, total) = queries::list(conn, Some(&wanted), page)?;
            Ok(Page::new(items, total, page))
        })
        .await
}
