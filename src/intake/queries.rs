//! Intake queries: the checked intake, the vet's check, and the heads still available to slaughter.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::domain::{self, Arrival, IntakeFacts};
use super::model::{Intake, IntakeCheck, IntakeWithTags};
use crate::audit;
use crate::certificates::model::AnimalCertificate;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::paging::PageParams;
use crate::refusal::{Code, Refusal};
use crate::schema::{
    animal_certificate_ear_tags, animal_certificates, batch_intakes, intake_checks,
    intake_ear_tags, intakes, slaughterhouses,
};
use crate::slaughterhouses::model::SlaughterhouseRecord;

/// Record an intake after checking every rule (audited).
pub fn create(
    conn: &mut DbConnection,
    actor: Option<&str>,
    house_id: &str,
    certificate_number: &str,
    arrival: &Arrival<'_>,
    vehicle_plate: &str,
    received_at: NaiveDateTime,
) -> AppResult<IntakeWithTags> {
    let house: SlaughterhouseRecord = slaughterhouses::table
        .find(house_id)
        .select(SlaughterhouseRecord::as_select())
        .first(conn)?;
    let certificate: AnimalCertificate = animal_certificates::table
        .filter(animal_certificates::number.eq(certificate_number.trim()))
        .select(AnimalCertificate::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            Refusal::of(Code::UnknownCertificate)
                .with("number", certificate_number)
                .at("certificate_number")
        })?;
    let certified_tags: Vec<String> = animal_certificate_ear_tags::table
        .filter(animal_certificate_ear_tags::certificate_id.eq(&certificate.id))
        .order(animal_certificate_ear_tags::ear_tag.asc())
        .select(animal_certificate_ear_tags::ear_tag)
        .load(conn)?;
    let received: Vec<(i32, i32)> = intakes::table
        .filter(intakes::certificate_id.eq(&certificate.id))
        .select((intakes::heads_alive, intakes::heads_dead))
        .load(conn)?;
    let already_received = received
        .iter()
        .map(|(a, d)| i64::from(*a) + i64::from(*d))
        .sum();
    let already_slaughtered: Vec<String> = intake_ear_tags::table
        .filter(intake_ear_tags::ear_tag.eq_any(arrival.ear_tags))
        .order(intake_ear_tags::ear_tag.asc())
        .select(intake_ear_tags::ear_tag)
        .load(conn)?;
    let day = crate::time::china_date(received_at);
    crate::slaughterhouses::domain::may_slaughter(&house, arrival.species, day)?;
    domain::check(
        &IntakeFacts {
            house: &house,
            certificate: &certificate,
            certified_tags: &certified_tags,
            already_received,
            already_slaughtered: &already_slaughtered,
            day,
        },
        arrival,
    )?;
    let intake = Intake {
        id: uuid::Uuid::new_v4().to_string(),
        slaughterhouse_id: house.org_id,
        certificate_id: certificate.id,
        species: arrival.species,
        heads_alive: arrival.alive,
        heads_dead: arrival.dead,
        vehicle_plate: vehicle_plate.to_string(),
        received_at,
        recorded_by: actor.map(str::to_string),
        recorded_at: crate::time::now(),
    };
    let intake: Intake = diesel::insert_into(intakes::table)
        .values(&intake)
        .returning(intakes::all_columns)
        .get_result(conn)?;
    for t in arrival.ear_tags {
        diesel::insert_into(intake_ear_tags::table)
            .values((
                intake_ear_tags::intake_id.eq(&intake.id),
                intake_ear_tags::ear_tag.eq(t),
            ))
            .execute(conn)?;
    }
    let full = IntakeWithTags {
        intake,
        ear_tags: arrival.ear_tags.to_vec(),
    };
    audit::record(conn, actor, "create", &full)?;
    Ok(full)
}

fn attach(conn: &mut DbConnection, list: Vec<Intake>) -> QueryResult<Vec<IntakeWithTags>> {
    let ids: Vec<&str> = list.iter().map(|i| i.id.as_str()).collect();
    let rows: Vec<(String, String)> = intake_ear_tags::table
        .filter(intake_ear_tags::intake_id.eq_any(&ids))
        .order((
            intake_ear_tags::intake_id.asc(),
            intake_ear_tags::ear_tag.asc(),
        ))
        .select((intake_ear_tags::intake_id, intake_ear_tags::ear_tag))
        .load(conn)?;
    let mut by: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (i, t) in rows {
        by.entry(i).or_default().push(t);
    }
    Ok(list
        .into_iter()
        .map(|i| IntakeWithTags {
            ear_tags: by.remove(&i.id).unwrap_or_default(),
            intake: i,
        })
        .collect())
}

/// One intake.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<IntakeWithTags>> {
    let i: Option<Intake> = intakes::table
        .find(id)
        .select(Intake::as_select())
        .first(conn)
        .optional()?;
    Ok(match i {
        Some(i) => attach(conn, vec![i])?.pop(),
        None => None,
    })
}

/// Intakes at these slaughterhouses, newest first.
pub fn list(
    conn: &mut DbConnection,
    houses: &[String],
    page: PageParams,
) -> QueryResult<(Vec<IntakeWithTags>, i64)> {
    let total = intakes::table
        .filter(intakes::slaughterhouse_id.eq_any(houses))
        .count()
        .get_result(conn)?;
    let items = intakes::table
        .filter(intakes::slaughterhouse_id.eq_any(houses))
        .order((intakes::received_at.desc(), intakes::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(Intake::as_select())
        .load(conn)?;
    Ok((attach(conn, items)?, total))
}

/// Every intake (for audit verification).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<IntakeWithTags>> {
    let items = intakes::table.select(Intake::as_select()).load(conn)?;
    attach(conn, items)
}

/// Record the vet's check of an intake (audited). An intake is checked once.
pub fn add_check(
    conn: &mut DbConnection,
    vet_id: &str,
    intake_id: &str,
    accepted: bool,
    note: Option<String>,
) -> AppResult<IntakeCheck> {
    let done: i64 = intake_checks::table
        .filter(intake_checks::intake_id.eq(intake_id))
        .count()
        .get_result(conn)?;
    if done > 0 {
        return Err(Code::IntakeAlreadyChecked.into());
    }
    let c = IntakeCheck {
        id: uuid::Uuid::new_v4().to_string(),
        intake_id: intake_id.to_string(),
        vet_id: vet_id.to_string(),
        accepted,
        note,
        checked_at: crate::time::now(),
    };
    let c: IntakeCheck = diesel::insert_into(intake_checks::table)
        .values(&c)
        .returning(intake_checks::all_columns)
        .get_result(conn)?;
    audit::record(conn, Some(vet_id), "check", &c)?;
    Ok(c)
}

/// The vet's check of an intake, if any.
pub fn check_of(conn: &mut DbConnection, intake_id: &str) -> QueryResult<Option<IntakeCheck>> {
    intake_checks::table
        .filter(intake_checks::intake_id.eq(intake_id))
        .select(IntakeCheck::as_select())
        .first(conn)
        .optional()
}

/// Heads of an intake already drawn into batches.
pub fn heads_drawn(conn: &mut DbConnection, intake_id: &str) -> QueryResult<i64> {
    let drawn: Vec<i32> = batch_intakes::table
        .filter(batch_intakes::intake_id.eq(intake_id))
        .select(batch_intakes::heads)
        .load(conn)?;
    Ok(drawn.into_iter().map(i64::from).sum())
}

/// The id of the animal certificate with this number, if it is recorded.
pub fn certificate_id_by_number(
    conn: &mut DbConnection,
    number: &str,
) -> QueryResult<Option<String>> {
    animal_certificates::table
        .filter(animal_certificates::number.eq(number))
        .select(animal_certificates::id)
        .first(conn)
        .optional()
}
