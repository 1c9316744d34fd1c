//! Writing the verification tally and the copied-label signals (notice arts. 七 and 九: a label copied onto
//! meat that did not come through the chain). Each signal has a configurable threshold; once crossed it is
//! recorded, once per lot and signal, as a violation against the lot's last holders, and every later
//! verification of the lot carries a warning.

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

use super::counter::VerificationCounter;

/// The three copied-label rules.
pub const COPIED_LABEL_RULES: [&Rule; 3] = [
    &rules::COPIED_LABEL_FOREIGN_STALL,
    &rules::COPIED_LABEL_AFTER_STOCK,
    &rules::COPIED_LABEL_SCAN_VOLUME,
];

/// Write the tally and run the signals on the lots it touched; answers with the signals recorded (and
/// empties the verification cache when there are any, so the warning shows at once). Counts go back into
/// the tally when the write fails.
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
    let rules = rules.clone();
    let result = db.write_now(move |conn| {
        let mut stalls: Vec<String> = rows.iter().filter_map(|r| r.1.clone()).collect();
        stalls.sort();
        stalls.dedup();
        let known: Vec<String> = organisations::table
            .filter(organisations::id.eq_any(&stalls))
            .filter(organisations::kind.eq(crate::organisations::model::OrgKind::Buyer))
            .select(organisations::id)
            .load(conn)?;
        let mut lot_ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        lot_ids.sort();
        lot_ids.dedup();
        let existing: Vec<String> = lots::table
            .filter(lots::id.eq_any(&lot_ids))
            .select(lots::id)
            .load(conn)?;
        let values: Vec<_> = rows
            .into_iter()
            .filter(|r| existing.contains(&r.0))
            .map(|(lot, stall, minute, n)| {
                (
                    verification_counts::id.eq(uuid::Uuid::new_v4().to_string()),
                    verification_counts::lot_id.eq(lot),
                    verification_counts::stall_id.eq(stall.filter(|s| known.contains(s))),
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
        let mut signals = 0;
        for id in existing {
            signals += check_lot(conn, &id, &rules)?;
        }
        Ok(signals)
    });
    match &result {
        Err(_) => counter.restore(kept),
        Ok(n) if *n > 0 => cache.invalidate_all(),
        Ok(_) => {}
    }
    result
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

/// The lot and the lots it was cut from.
fn lineage(conn: &mut DbConnection, lot: &Lot) -> QueryResult<Vec<String>> {
    let mut out = vec![lot.id.clone()];
    let mut parent = lot.parent_lot_id.clone();
    while let Some(p) = parent {
        if out.len() > 16 {
            break;
        }
        out.push(p.clone());
        parent = lots::table
            .find(&p)
            .select(lots::parent_lot_id)
            .first(conn)?;
    }
    Ok(out)
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

/// What `org` still has of the lot: for a buyer, what was shipped to it (or recorded, if more) less what went
/// out; for the first holder, what it made less what went out.
fn remaining(conn: &mut DbConnection, org: &str, lot: &Lot, first: bool) -> AppResult<i64> {
    if first {
        return stock::holding(conn, org, lot);
    }
    let took_in =
        stock::shipped_to(conn, org, &lot.id)?.max(stock::recorded_by(conn, org, &lot.id)?);
    let out = stock::shipped_by(conn, org, &lot.id)?
        + stock::sold_by(conn, org, &lot.id)?
        + stock::disposed_by(conn, org, &lot.id)?
        + stock::split_off_by(conn, org, &lot.id)?;
    Ok(took_in - out)
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

/// Run the three signals on one lot; answers with the violations recorded.
pub fn check_lot(conn: &mut DbConnection, lot_id: &str, rules: &RuleSettings) -> AppResult<usize> {
    let lot = crate::lots::queries::find(conn, lot_id)?;
    let done = recorded_signals(conn, &lot.id)?;
    let today = crate::time::today_china();
    let mut fired: Vec<(&Rule, String, String, Vec<String>)> = Vec::new();

    if !done
        .iter()
        .any(|c| c == rules::COPIED_LABEL_FOREIGN_STALL.code)
    {
        let line = lineage(conn, &lot)?;
        let by_stall: Vec<(Option<String>, i64)> = verification_counts::table
            .filter(verification_counts::lot_id.eq(&lot.id))
            .filter(verification_counts::stall_id.is_not_null())
            .select((verification_counts::stall_id, verification_counts::hits))
            .load(conn)?;
        let mut foreign: Vec<String> = Vec::new();
        let mut n = 0;
        for (stall, h) in by_stall {
            let Some(stall) = stall else { continue };
            if !received(conn, &stall, &lot, &line)? {
                n += h;
                if !foreign.contains(&stall) {
                    foreign.push(stall);
                }
            }
        }
        if n >= rules.copied_label_foreign_stall_scans {
            fired.push((
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
            ));
        }
    }

    let all = holders(conn, &lot)?;
    if !done
        .iter()
        .any(|c| c == rules::COPIED_LABEL_AFTER_STOCK.code)
        && today > lot.use_by
    {
        let mut left = 0;
        for (i, h) in all.iter().enumerate() {
            left += remaining(conn, h, &lot, i == 0)?.max(0);
        }
        if left == 0 {
            let after = lot
                .use_by
                .checked_add_days(Days::new(1))
                .unwrap_or(lot.use_by);
            let n = hits(conn, &lot.id, Some(day_start_utc(after)))?;
            if n >= rules.copied_label_late_scans {
                fired.push((
                    &rules::COPIED_LABEL_AFTER_STOCK,
                    format!("追溯码 {} 在保质期（{}）过后、各环节均已无库存时仍被查询 {n} 次", lot.trace_code, lot.use_by),
                    format!("code {} verified {n} times after its use-by date ({}) with no stock left anywhere", lot.trace_code, lot.use_by),
                    Vec::new(),
                ));
            }
        }
    }

    if !done
        .iter()
        .any(|c| c == rules::COPIED_LABEL_SCAN_VOLUME.code)
    {
        let weight = crate::lots::queries::effective_weight(conn, &lot.id)?;
        let kg = (weight + 999) / 1000;
        let explained = (kg * rules.copied_label_scans_per_kg).max(rules.copied_label_min_scans);
        let n = hits(conn, &lot.id, None)?;
        if n > explained {
            fired.push((
                &rules::COPIED_LABEL_SCAN_VOLUME,
                format!("追溯码 {}（{kg} 千克）被查询 {n} 次，远超重量所能解释的 {explained} 次", lot.trace_code),
                format!("code {} ({kg} kg) verified {n} times, far beyond the {explained} its weight explains", lot.trace_code),
                Vec::new(),
            ));
        }
    }

    let mut recorded = 0;
    if fired.is_empty() {
        return Ok(0);
    }
    let last = last_holders(conn, &lot, &all)?;
    for (rule, zh, en, stalls) in fired {
        for holder in &last {
            let Some(org) = crate::organisations::queries::find(conn, holder)? else {
                continue;
            };
            let mut records = vec![("lot", lot.id.clone())];
            records.extend(stalls.iter().map(|s| ("organisation", s.clone())));
            crate::violations::queries::open(
                conn,
                NewViolation {
                    rule,
                    source: ViolationSource::Detected,
                    subject: Subject::Org(&org),
                    summary: (
                        format!("{}：{zh}", rule.title),
                        format!("{}: {en}", rule.title_en),
                    ),
                    actor_id: None,
                    records,
                },
            )?;
            recorded += 1;
        }
    }
    Ok(recorded)
}
