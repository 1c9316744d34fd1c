//! Writing the verification tally and the copied-label signals (notice arts. 七 and 九: a label copied onto
//! meat that did not come through the chain). Each signal has a configurable threshold; once crossed it is
//! recorded, once per lot and signal, as a violation against the lot's last holders, and every later
//! verification of the lot carries a warning.

use std::collections::{HashMap, HashSet};

use chrono::{Days, NaiveDate, NaiveTime};
use diesel::prelude::*;

use crate::config::RuleSettings;
use crate::db::{Db, DbConnection};
use crate::error::AppResult;
use crate::lots::model::Lot;
use crate::schema::{
    ledger_entries, lots, organisations, shipment_lines, shipments, verification_counts,
    violation_records, violations,
};
use crate::stock::queries as stock;
use crate::violations::model::ViolationSource;
use crate::violations::queries::{NewViolation, Subject};
use crate::violations::rules::{self, Rule};

use super::counter::{Tally, VerificationCounter};

/// The three copied-label rules.
pub const COPIED_LABEL_RULES: [&Rule; 3] = [
    &rules::COPIED_LABEL_FOREIGN_STALL,
    &rules::COPIED_LABEL_AFTER_STOCK,
    &rules::COPIED_LABEL_SCAN_VOLUME,
];

/// Write the tally and run the signals on the lots it touched; answers with the signals recorded (and
/// empties the verification cache when there are any, so the warning shows at once). Counts go back into
/// the tally when the write fails.
///
/// Three steps, so the single SQLite writer is held only for inserts: the counts are written in one short
/// transaction; the signals are worked out on a reader; only what fired is then recorded, checking again
/// that it was not recorded meanwhile.
pub fn flush(
    db: &Db,
    counter: &VerificationCounter,
    cache: &super::cache::VerificationCache,
    rules: &RuleSettings,
) -> AppResult<usize> {
    let rows = counter.take();
    if rows.is_empty() {
        return Ok(0);
    }
    let kept = rows.clone();
    let touched = db.write_now(move |conn| write_counts(conn, rows));
    let touched = match touched {
        Ok(t) => t,
        Err(e) => {
            counter.restore(kept);
            return Err(e);
        }
    };
    let rules = rules.clone();
    let found = db.read_now(move |conn| {
        let mut found = Vec::new();
        for (lot_id, with_stall) in touched {
            found.extend(evaluate(conn, &lot_id, with_stall, &rules)?);
        }
        Ok(found)
    })?;
    if found.is_empty() {
        return Ok(0);
    }
    let recorded = db.write_now(move |conn| record(conn, found))?;
    if recorded > 0 {
        cache.invalidate_all();
    }
    Ok(recorded)
}

/// Insert the counts (stall ids that are not registered buyers are dropped as contexts, rows of unknown lots
/// altogether); answers with the lots touched and whether any count of theirs came from a stall.
fn write_counts(conn: &mut DbConnection, rows: Vec<Tally>) -> AppResult<Vec<(String, bool)>> {
    let stalls: HashSet<String> = rows.iter().filter_map(|r| r.1.clone()).collect();
    let known: HashSet<String> = organisations::table
        .filter(organisations::id.eq_any(&stalls))
        .filter(organisations::kind.eq(crate::organisations::model::OrgKind::Buyer))
        .select(organisations::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let lot_ids: HashSet<&String> = rows.iter().map(|r| &r.0).collect();
    let existing: HashSet<String> = lots::table
        .filter(lots::id.eq_any(lot_ids))
        .select(lots::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut touched: HashMap<String, bool> = HashMap::new();
    let values: Vec<_> = rows
        .into_iter()
        .filter(|r| existing.contains(&r.0))
        .map(|(lot, stall, minute, n)| {
            let stall = stall.filter(|s| known.contains(s));
            *touched.entry(lot.clone()).or_insert(false) |= stall.is_some();
            (
                verification_counts::id.eq(uuid::Uuid::new_v4().to_string()),
                verification_counts::lot_id.eq(lot),
                verification_counts::stall_id.eq(stall),
                verification_counts::minute.eq(minute),
                verification_counts::hits.eq(n),
            )
        })
        .collect();
    // A multi-row insert per chunk; the multi-backend connection has none, so each backend's own.
    for chunk in values.chunks(500) {
        let insert = diesel::insert_into(verification_counts::table).values(chunk);
        match conn {
            DbConnection::Pg(c) => insert.execute(c)?,
            DbConnection::Sqlite(c) => insert.execute(c)?,
        };
    }
    Ok(touched.into_iter().collect())
}

/// Write the tally every `every` (the service's flusher thread).
pub fn spawn_flusher(
    db: Db,
    counter: std::sync::Arc<VerificationCounter>,
    cache: std::sync::Arc<super::cache::VerificationCache>,
    rules: std::sync::Arc<RuleSettings>,
    every: std::time::Duration,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("verification-counts".into())
        .spawn(move || loop {
            std::thread::sleep(every);
            match flush(&db, &counter, &cache, &rules) {
                Ok(0) => {}
                Ok(n) => tracing::warn!(signals = n, "copied-label signals recorded"),
                // Kept in memory and written after an outage, which is logged once elsewhere.
                Err(e) if e.is_unavailable() => {}
                Err(e) => tracing::error!(error = %e, "writing verification counts failed"),
            }
        })
}

fn sum(v: Vec<i64>) -> i64 {
    v.into_iter().sum()
}

/// The rules already recorded against this lot.
pub fn recorded_signals(conn: &mut DbConnection, lot_id: &str) -> QueryResult<Vec<String>> {
    let codes: Vec<&str> = COPIED_LABEL_RULES.iter().map(|r| r.code).collect();
    violations::table
        .inner_join(violation_records::table)
        .filter(violation_records::entity.eq("lot"))
        .filter(violation_records::entity_id.eq(lot_id))
        .filter(violations::rule.eq_any(codes))
        .select(violations::rule)
        .distinct()
        .load(conn)
}

/// Did `org` ever receive the lot (or a lot it was cut from)?
fn received(conn: &mut DbConnection, org: &str, lot: &Lot, line: &[String]) -> AppResult<bool> {
    if lot.slaughterhouse_id == org || stock::split_holder(conn, &lot.id)?.as_deref() == Some(org) {
        return Ok(true);
    }
    let shipped: i64 = shipment_lines::table
        .inner_join(shipments::table)
        .filter(shipments::buyer_id.eq(org))
        .filter(shipment_lines::lot_id.eq_any(line))
        .count()
        .get_result(conn)?;
    let recorded: i64 = ledger_entries::table
        .filter(ledger_entries::buyer_id.eq(org))
        .filter(ledger_entries::lot_id.eq_any(line))
        .count()
        .get_result(conn)?;
    Ok(shipped + recorded > 0)
}

/// Everyone who took the lot in: its slaughterhouse (or the holder that cut it) and every buyer shipped it.
fn holders(conn: &mut DbConnection, lot: &Lot) -> AppResult<Vec<String>> {
    let mut out = vec![match stock::split_holder(conn, &lot.id)? {
        Some(h) => h,
        None => lot.slaughterhouse_id.clone(),
    }];
    let buyers: Vec<String> = shipment_lines::table
        .inner_join(shipments::table)
        .filter(shipment_lines::lot_id.eq(&lot.id))
        .select(shipments::buyer_id)
        .distinct()
        .load(conn)?;
    for b in buyers {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    Ok(out)
}

/// The holders at the end of the chain: those who took the lot in and shipped none of it on (the first
/// holder when nobody else took it).
fn last_holders(conn: &mut DbConnection, lot: &Lot, all: &[String]) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    for h in all.iter().skip(1) {
        if stock::shipped_by(conn, h, &lot.id)? == 0 {
            out.push(h.clone());
        }
    }
    if out.is_empty() {
        out.extend(all.first().cloned());
    }
    Ok(out)
}

/// Verification counts of a lot, optionally from `since` (UTC).
fn hits(
    conn: &mut DbConnection,
    lot_id: &str,
    since: Option<chrono::NaiveDateTime>,
) -> QueryResult<i64> {
    let mut q = verification_counts::table
        .filter(verification_counts::lot_id.eq(lot_id))
        .select(verification_counts::hits)
        .into_boxed();
    if let Some(t) = since {
        q = q.filter(verification_counts::minute.ge(t));
    }
    Ok(sum(q.load(conn)?))
}

/// The start of a China-time day, in UTC.
fn day_start_utc(day: NaiveDate) -> chrono::NaiveDateTime {
    day.and_time(NaiveTime::MIN) - chrono::Duration::hours(8)
}

/// A signal that fired.
pub struct Finding {
    lot: Lot,
    rule: &'static Rule,
    summary: (String, String),
    stalls: Vec<String>,
}

/// Work out which signals fire for one lot (those not yet recorded). The foreign-stall signal is looked at
/// only when the lot was just verified from a stall, the late one only past the use-by date.
pub fn evaluate(
    conn: &mut DbConnection,
    lot_id: &str,
    from_stall: bool,
    rules: &RuleSettings,
) -> AppResult<Vec<Finding>> {
    let lot = crate::lots::queries::find(conn, lot_id)?;
    let done = recorded_signals(conn, &lot.id)?;
    let pending = |r: &Rule| !done.iter().any(|c| c == r.code);
    let today = crate::time::today_china();
    let mut found = Vec::new();
    let mut fire = |rule: &'static Rule, zh: String, en: String, stalls: Vec<String>| {
        found.push(Finding {
            lot: lot.clone(),
            rule,
            summary: (
                format!("{}：{zh}", rule.title),
                format!("{}: {en}", rule.title_en),
            ),
            stalls,
        })
    };

    if from_stall && pending(&rules::COPIED_LABEL_FOREIGN_STALL) {
        let line = crate::lots::queries::lineage(conn, &lot)?;
        let by_stall: Vec<(Option<String>, i64)> = verification_counts::table
            .filter(verification_counts::lot_id.eq(&lot.id))
            .filter(verification_counts::stall_id.is_not_null())
            .select((verification_counts::stall_id, verification_counts::hits))
            .load(conn)?;
        let mut per_stall: HashMap<String, i64> = HashMap::new();
        for (stall, h) in by_stall {
            if let Some(stall) = stall {
                *per_stall.entry(stall).or_insert(0) += h;
            }
        }
        let mut foreign = Vec::new();
        let mut n = 0;
        for (stall, h) in per_stall {
            if !received(conn, &stall, &lot, &line)? {
                n += h;
                foreign.push(stall);
            }
        }
        foreign.sort();
        if n >= rules.copied_label_foreign_stall_scans {
            fire(
                &rules::COPIED_LABEL_FOREIGN_STALL,
                format!(
                    "追溯码 {} 在从未进货该批产品的 {} 个摊位被查询 {n} 次",
                    lot.trace_code,
                    foreign.len()
                ),
                format!(
                    "code {} verified {n} times from {} stall(s) that never received the lot",
                    lot.trace_code,
                    foreign.len()
                ),
                foreign,
            );
        }
    }

    if today > lot.use_by && pending(&rules::COPIED_LABEL_AFTER_STOCK) {
        let mut left = 0;
        for h in holders(conn, &lot)? {
            left += stock::still_has(conn, &h, &lot)?.max(0);
        }
        if left == 0 {
            let after = lot
                .use_by
                .checked_add_days(Days::new(1))
                .unwrap_or(lot.use_by);
            let n = hits(conn, &lot.id, Some(day_start_utc(after)))?;
            if n >= rules.copied_label_late_scans {
                fire(
                    &rules::COPIED_LABEL_AFTER_STOCK,
                    format!("追溯码 {} 在保质期（{}）过后、各环节均已无库存时仍被查询 {n} 次", lot.trace_code, lot.use_by),
                    format!("code {} verified {n} times after its use-by date ({}) with no stock left anywhere", lot.trace_code, lot.use_by),
                    Vec::new(),
                );
            }
        }
    }

    if pending(&rules::COPIED_LABEL_SCAN_VOLUME) {
        let n = hits(conn, &lot.id, None)?;
        let weight = crate::lots::queries::effective_weight(conn, &lot.id)?;
        let kg = (weight + 999) / 1000;
        let explained = (kg * rules.copied_label_scans_per_kg).max(rules.copied_label_min_scans);
        if n > explained {
            fire(
                &rules::COPIED_LABEL_SCAN_VOLUME,
                format!("追溯码 {}（{kg} 千克）被查询 {n} 次，远超重量所能解释的 {explained} 次", lot.trace_code),
                format!("code {} ({kg} kg) verified {n} times, far beyond the {explained} its weight explains", lot.trace_code),
                Vec::new(),
            );
        }
    }
    Ok(found)
}

/// Record what fired, once per lot and rule, against each of the lot's last holders; answers with the
/// violations opened.
fn record(conn: &mut DbConnection, found: Vec<Finding>) -> AppResult<usize> {
    let mut opened = 0;
    for f in found {
        if recorded_signals(conn, &f.lot.id)?
            .iter()
            .any(|c| c == f.rule.code)
        {
            continue;
        }
        let all = holders(conn, &f.lot)?;
        for holder in last_holders(conn, &f.lot, &all)? {
            let Some(org) = crate::organisations::queries::find(conn, &holder)? else {
                continue;
            };
            let mut records = vec![("lot", f.lot.id.clone())];
            records.extend(f.stalls.iter().map(|s| ("organisation", s.clone())));
            crate::violations::queries::open(
                conn,
                NewViolation {
                    rule: f.rule,
                    source: ViolationSource::Detected,
                    subject: Subject::Org(&org),
                    summary: f.summary.clone(),
                    actor_id: None,
                    records,
                },
            )?;
            opened += 1;
        }
    }
    Ok(opened)
}
