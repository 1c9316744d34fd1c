//! Rules that need time to pass, run on a schedule inside the service (and by `niuyang sweep`): certified
//! heads that never arrived, agreements and licences lapsing while the enterprise still ships, overdue
//! complaints. Each looks at a bounded window and fires once per record (checked through
//! `violation_records`), so a sweep costs the same in year 5 as on day 1 and running it twice adds nothing.
//! The same sweep erases reporters' personal data whose retention period is over
//! (`crate::complaints::retention`), a bounded number per run.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{exists, not, sum};
use diesel::prelude::*;
use serde::Serialize;

use super::model::ViolationSource;
use super::queries::{self, NewViolation, Subject};
use super::rules::{self, Rule};
use crate::config::RuleSettings;
use crate::db::{Db, DbConnection};
use crate::error::AppResult;
use crate::schema::{
    animal_certificates, complaints, intakes, organisations, quality_agreements, shipments,
    slaughterhouses, violation_records, violations,
};

/// How far back a sweep looks, in days.
pub const WINDOW_DAYS: u64 = 30;

/// How far back the overdue-complaint rule looks, by conclusion deadline (a complaint's dispatch deadline
/// comes before its conclusion deadline, so both are covered while it is within this).
pub const COMPLAINT_WINDOW_DAYS: u64 = 90;

/// What one sweep recorded, by rule.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct SweepReport {
    /// Certificates with heads unaccounted for.
    pub heads_unaccounted: usize,
    /// Agreements lapsed while shipping.
    pub agreement_lapsed: usize,
    /// Licences lapsed while shipping.
    pub licence_lapsed: usize,
    /// Overdue complaints.
    pub complaint_overdue: usize,
    /// Complaints whose reporter's personal data was erased (retention over).
    pub reporters_erased: usize,
}

impl SweepReport {
    /// Violations opened, per scheduled rule (for the metrics).
    pub fn counts(&self) -> [(&'static str, usize); 4] {
        [
            ("heads_unaccounted", self.heads_unaccounted),
            ("agreement_lapsed", self.agreement_lapsed),
            ("licence_lapsed", self.licence_lapsed),
            ("complaint_overdue", self.complaint_overdue),
        ]
    }
}

/// Has `rule` already fired for this record?
fn fired(conn: &mut DbConnection, rule: &Rule, entity: &str, id: &str) -> QueryResult<bool> {
    diesel::select(exists(
        violation_records::table
            .inner_join(violations::table)
            .filter(violation_records::entity.eq(entity))
            .filter(violation_records::entity_id.eq(id))
            .filter(violations::rule.eq(rule.code)),
    ))
    .get_result(conn)
}

/// Run every scheduled rule as of `now` (UTC; the rules use its China date), each in its own write
/// transaction, then erase the reporters' data whose retention period is over by `now`.
pub fn sweep(db: &Db, rules: &RuleSettings, now: NaiveDateTime) -> AppResult<SweepReport> {
    let today = crate::time::china_date(now);
    Ok(SweepReport {
        heads_unaccounted: {
            let found = db.read_now(move |c| Ok(unaccounted_certificates(c, today)?))?;
            db.write_now(move |c| record_unaccounted(c, &found))?
        },
        agreement_lapsed: db.write_now(move |c| agreements_lapsed(c, today))?,
        licence_lapsed: db.write_now(move |c| licences_lapsed(c, today))?,
        complaint_overdue: db.write_now(move |c| complaints_overdue(c, today))?,
        reporters_erased: crate::complaints::retention::sweep(
            db,
            now,
            rules.reporter_retention_days,
        )?,
    })
}

/// A certificate whose validity ended with heads unaccounted for, not yet flagged.
#[derive(Debug, Clone)]
pub struct Unaccounted {
    id: String,
    number: String,
    certified: i32,
    arrived: i64,
    owner: String,
    origin: String,
    destination: String,
}

/// Certificates whose validity ended in the window with fewer heads arrived than certified, and not yet
/// flagged. Read-only: the sweep works this out on a reader, so the writer is held only for the inserts.
pub fn unaccounted_certificates(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> QueryResult<Vec<Unaccounted>> {
    let rule = &rules::HEADS_UNACCOUNTED;
    let certs: Vec<(String, String, i32, String, String, String)> = animal_certificates::table
        .filter(animal_certificates::valid_until.lt(today))
        .filter(animal_certificates::valid_until.ge(today - chrono::Days::new(WINDOW_DAYS)))
        .select((
            animal_certificates::id,
            animal_certificates::number,
            animal_certificates::head_count,
            animal_certificates::owner_name,
            animal_certificates::origin_place,
            animal_certificates::destination_id,
        ))
        .load(conn)?;
    let ids: Vec<&str> = certs.iter().map(|c| c.0.as_str()).collect();
    let mut arrived: HashMap<String, i64> = HashMap::new();
    let mut flagged: HashSet<String> = HashSet::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, Option<i64>, Option<i64>)> = intakes::table
            .filter(intakes::certificate_id.eq_any(chunk))
            .group_by(intakes::certificate_id)
            .select((
                intakes::certificate_id,
                sum(intakes::heads_alive),
                sum(intakes::heads_dead),
            ))
            .load(conn)?;
        for (id, a, d) in rows {
            arrived.insert(id, a.unwrap_or(0) + d.unwrap_or(0));
        }
        let done: Vec<String> = violation_records::table
            .inner_join(violations::table)
            .filter(violation_records::entity.eq("animal_certificate"))
            .filter(violation_records::entity_id.eq_any(chunk))
            .filter(violations::rule.eq(rule.code))
            .select(violation_records::entity_id)
            .load(conn)?;
        flagged.extend(done);
    }
    Ok(certs
        .into_iter()
        .filter_map(|(id, number, certified, owner, origin, destination)| {
            let came = arrived.get(&id).copied().unwrap_or(0);
            (came < i64::from(certified) && !flagged.contains(&id)).then_some(Unaccounted {
                id,
                number,
                certified,
                arrived: came,
                owner,
                origin,
                destination,
            })
        })
        .collect())
}

/// Record the certificates found (checking again, inside the write, that none was flagged meanwhile).
pub fn record_unaccounted(conn: &mut DbConnection, found: &[Unaccounted]) -> AppResult<usize> {
    let rule = &rules::HEADS_UNACCOUNTED;
    let mut n = 0;
    for u in found {
        if fired(conn, rule, "animal_certificate", &u.id)? {
            continue;
        }
        let district =
            crate::organisations::queries::find(conn, &u.destination)?.and_then(|o| o.district);
        let (number, certified, came) = (&u.number, u.certified, u.arrived);
        let missing = i64::from(certified) - came;
        queries::open(
            conn,
            NewViolation {
                rule,
                source: ViolationSource::Detected,
                subject: Subject::Unregistered {
                    name: &format!("货主 {}", u.owner),
                    address: &u.origin,
                    district,
                },
                summary: (
                    format!(
                        "动物检疫合格证明 {number} 证明 {certified} 头，有效期届满时仅 {came} 头进厂，{missing} 头去向不明（疑似流向私屠滥宰）"
                    ),
                    format!(
                        "animal certificate {number} covered {certified} head; only {came} arrived before it expired, {missing} unaccounted for (possible unlicensed slaughter)"
                    ),
                ),
                actor_id: None,
                records: vec![
                    ("animal_certificate", u.id.clone()),
                    ("organisation", u.destination.clone()),
                ],
            },
        )?;
        n += 1;
    }
    Ok(n)
}

/// Did the slaughterhouse ship in the `WINDOW_DAYS` before `lapse`, or try to ship (a refused attempt)
/// after it?
fn still_shipping(conn: &mut DbConnection, house: &str, lapse: NaiveDate) -> QueryResult<bool> {
    let shipped: bool = diesel::select(exists(
        shipments::table
            .filter(shipments::seller_id.eq(house))
            .filter(shipments::ship_date.le(lapse))
            .filter(shipments::ship_date.gt(lapse - chrono::Days::new(WINDOW_DAYS))),
    ))
    .get_result(conn)?;
    if shipped {
        return Ok(true);
    }
    let after = lapse
        .succ_opt()
        .unwrap_or(lapse)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        - chrono::Duration::hours(8);
    diesel::select(exists(
        violations::table
            .filter(violations::subject_org_id.eq(house))
            .filter(violations::source.eq(ViolationSource::Attempt))
            .filter(violations::detected_at.ge(after)),
    ))
    .get_result(conn)
}

fn lapse_violation(
    conn: &mut DbConnection,
    rule: &Rule,
    house: &str,
    record: (&'static str, String),
    summary: (String, String),
) -> AppResult<bool> {
    if fired(conn, rule, record.0, &record.1)? {
        return Ok(false);
    }
    let Some(org) = crate::organisations::queries::find(conn, house)? else {
        return Ok(false);
    };
    queries::open(
        conn,
        NewViolation {
            rule,
            source: ViolationSource::Detected,
            subject: Subject::Org(&org),
            summary,
            actor_id: None,
            records: vec![record],
        },
    )?;
    Ok(true)
}

/// Slaughterhouses whose last agreement ended in the window, with none in force, that were still shipping.
pub fn agreements_lapsed(conn: &mut DbConnection, today: NaiveDate) -> AppResult<usize> {
    let lapsed: Vec<(String, String, String, NaiveDate)> = quality_agreements::table
        .filter(quality_agreements::expires_on.lt(today))
        .filter(quality_agreements::expires_on.ge(today - chrono::Days::new(WINDOW_DAYS)))
        .select((
            quality_agreements::id,
            quality_agreements::slaughterhouse_id,
            quality_agreements::number,
            quality_agreements::expires_on,
        ))
        .load(conn)?;
    let mut n = 0;
    for (id, house, number, expired) in lapsed {
        let renewed: bool = diesel::select(exists(
            quality_agreements::table
                .filter(quality_agreements::slaughterhouse_id.eq(&house))
                .filter(quality_agreements::signed_on.le(today))
                .filter(quality_agreements::expires_on.ge(today)),
        ))
        .get_result(conn)?;
        if renewed || !still_shipping(conn, &house, expired)? {
            continue;
        }
        if lapse_violation(
            conn,
            &rules::AGREEMENT_LAPSED,
            &house,
            ("quality_agreement", id),
            (
                format!("质量安全协议 {number} 已于 {expired} 到期且未续签，企业仍在出厂销售"),
                format!("quality-safety agreement {number} ended on {expired} without renewal while the enterprise was still shipping"),
            ),
        )? {
            n += 1;
        }
    }
    Ok(n)
}

/// Slaughterhouses whose licence ended in the window that were still shipping.
pub fn licences_lapsed(conn: &mut DbConnection, today: NaiveDate) -> AppResult<usize> {
    let lapsed: Vec<(String, String, NaiveDate)> = slaughterhouses::table
        .filter(slaughterhouses::licence_valid_until.lt(today))
        .filter(slaughterhouses::licence_valid_until.ge(today - chrono::Days::new(WINDOW_DAYS)))
        .select((
            slaughterhouses::org_id,
            slaughterhouses::licence_no,
            slaughterhouses::licence_valid_until,
        ))
        .load(conn)?;
    let mut n = 0;
    for (house, licence, until) in lapsed {
        if !still_shipping(conn, &house, until)? {
            continue;
        }
        if lapse_violation(
            conn,
            &rules::LICENCE_LAPSED,
            &house,
            ("licence", format!("{house}:{until}")),
            (
                format!("屠宰许可证 {licence} 已于 {until} 到期，企业仍在出厂销售"),
                format!("slaughter licence {licence} expired on {until} while the enterprise was still shipping"),
            ),
        )? {
            n += 1;
        }
    }
    Ok(n)
}

/// Complaints past a deadline they have not met, against the administration they are routed to.
pub fn complaints_overdue(conn: &mut DbConnection, today: NaiveDate) -> AppResult<usize> {
    use crate::complaints::queries::{concluded, dispatched};
    let rule = &rules::COMPLAINT_OVERDUE;
    let flagged = exists(
        violation_records::table
            .inner_join(violations::table)
            .filter(violation_records::entity.eq("complaint"))
            .filter(violation_records::entity_id.eq(complaints::id))
            .filter(violations::rule.eq(rule.code)),
    );
    let late: Vec<(String, String, Option<String>, NaiveDate, NaiveDate, bool)> = complaints::table
        .filter(not(concluded()))
        // Bounded: complaints due in the last `COMPLAINT_WINDOW_DAYS` (older ones were swept already).
        .filter(complaints::conclude_due.ge(today - chrono::Days::new(COMPLAINT_WINDOW_DAYS)))
        .filter(
            complaints::dispatch_due
                .lt(today)
                .and(not(dispatched()))
                .or(complaints::conclude_due.lt(today)),
        )
        .filter(not(flagged))
        .select((
            complaints::id,
            complaints::ticket_no,
            complaints::routed_org_id,
            complaints::dispatch_due,
            complaints::conclude_due,
            dispatched(),
        ))
        .load(conn)?;
    let mut n = 0;
    for (id, ticket, routed, dispatch_due, conclude_due, was_dispatched) in late {
        let Some(org) = (match routed {
            Some(o) => organisations::table
                .find(o)
                .select(crate::organisations::model::Organisation::as_select())
                .first(conn)
                .optional()?,
            None => None,
        }) else {
            continue;
        };
        let (zh, en) = if was_dispatched {
            (
                format!("12345 举报 {ticket} 应于 {conclude_due} 前办结，逾期未办结"),
                format!("12345 complaint {ticket} was due to be concluded by {conclude_due}"),
            )
        } else {
            (
                format!("12345 举报 {ticket} 应于 {dispatch_due} 前分派，逾期未分派"),
                format!("12345 complaint {ticket} was due to be dispatched by {dispatch_due}"),
            )
        };
        queries::open(
            conn,
            NewViolation {
                rule,
                source: ViolationSource::Detected,
                subject: Subject::Org(&org),
                summary: (zh, en),
                actor_id: None,
                records: vec![("complaint", id)],
            },
        )?;
        n += 1;
    }
    Ok(n)
}

/// Sweep now and then every `every` (0: never), logging what was found. A sweep that meets an outage is
/// tried again every [`RETRY_AFTER_OUTAGE`] until the database is back (the outage itself is logged once).
pub fn spawn(db: Db, rules: Arc<RuleSettings>, every: Duration) {
    if every.is_zero() {
        return;
    }
    tokio::task::spawn_local(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            loop {
                let (db, rules) = (db.clone(), rules.clone());
                let now = crate::time::now();
                match tokio::task::spawn_blocking(move || sweep(&db, &rules, now)).await {
                    Ok(Ok(r)) => {
                        crate::metrics::background::sweep_finished(Some(&r.counts()));
                        tracing::info!(?r, "scheduled rules swept")
                    }
                    Ok(Err(e)) if e.is_unavailable() => {
                        crate::metrics::background::sweep_finished(None);
                        tokio::time::sleep(RETRY_AFTER_OUTAGE).await;
                        continue;
                    }
                    Ok(Err(e)) => {
                        crate::metrics::background::sweep_finished(None);
                        tracing::error!(error = %e, "scheduled rules failed")
                    }
                    Err(e) => {
                        crate::metrics::background::sweep_finished(None);
                        tracing::error!(error = %e, "scheduled rules task failed")
                    }
                }
                break;
            }
        }
    });
}

/// How soon a sweep that met an outage is tried again.
pub const RETRY_AFTER_OUTAGE: Duration = Duration::from_secs(5);
