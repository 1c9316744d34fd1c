//! Retention of reporters' personal data (个人信息保护法 arts. 19 and 47: kept no longer than its purpose
//! needs, then deleted). Once a complaint has been closed for `NIUYANG_REPORTER_RETENTION_DAYS` with no reward
//! outstanding, the scheduled sweep erases the reporter's name and phone and every reward claimant's name,
//! phone and account.
//!
//! Evidence is not edited silently: each row changed gets an audit entry (`erase_reporter`) with its new
//! content hash, which verification then compares the row with (it compares every row with its latest
//! entry only, so the older entries of the same row stay valid), the complaint row keeps the time
//! (`reporter_erased_at`), and the erasure is a move of the complaint of its own (`reporter_erased`, by the
//! service, naming the rule). Nothing else of the complaint changes, and its ticket and access code keep
//! working.

use chrono::NaiveDateTime;
use diesel::dsl::{exists, not};
use diesel::prelude::*;

use super::model::{Complaint, ComplaintEvent, ComplaintStatus, EventKind};
use super::queries::{self, has_move};
use crate::audit;
use crate::db::{Db, DbConnection};
use crate::error::AppResult;
use crate::schema::{complaint_events, complaints};

/// The rule's name, in the erasure's note.
pub const RULE: &str = "reporter_retention";

/// The audit action of an erasure.
pub const ACTION: &str = "erase_reporter";

/// Complaints erased per sweep at most (each in a short write transaction of its own); the rest wait for
/// the next sweep. At the default sweep interval (600 s) that is 28,800 a day.
pub const PER_SWEEP: i64 = 200;

/// Are a complaint's personal data due for erasure, with these moves, when the retention period ends at
/// `cutoff`: closed at or before it, with no reward granted or the reward paid, and not erased already?
/// A reward granted but not recorded as paid keeps the data: the payee's details are needed to pay it.
pub fn due(events: &[ComplaintEvent], cutoff: NaiveDateTime) -> bool {
    let has = |k: EventKind| events.iter().any(|e| e.kind == k);
    let closed_by_cutoff = events
        .iter()
        .any(|e| e.kind == EventKind::Closed && e.at <= cutoff);
    closed_by_cutoff
        && (!has(EventKind::Rewarded) || has(EventKind::RewardPaid))
        && !has(EventKind::ReporterErased)
}

/// The note of the erasure: the rule, the law and the period it was made under.
pub fn note(days: u32) -> String {
    format!(
        "依《个人信息保护法》第十九条、第四十七条，举报办结满 {days} 天且无待付奖励，删除举报人及领奖人的姓名、电话和收款账户\
         （规则 {RULE}，NIUYANG_REPORTER_RETENTION_DAYS={days}）"
    )
}

/// The latest closing time whose retention period of `days` is over by `now`. `None` when that would be
/// before any representable time (nothing is due).
pub fn cutoff(now: NaiveDateTime, days: u32) -> Option<NaiveDateTime> {
    now.checked_sub_days(chrono::Days::new(u64::from(days)))
}

/// Complaints whose personal data is due for erasure by `cutoff`, oldest first, at most `max`. Each query
/// starts from the rows still holding personal data and received by the cutoff (partial indexes by
/// `received_at`: a complaint is closed after it is received), so its cost follows what is kept and due,
/// not the whole history. A claim always has a phone, so the claimant's phone stands for the claim.
pub fn due_ids(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    max: i64,
) -> QueryResult<Vec<String>> {
    let closed_by = || {
        exists(
            complaint_events::table
                .filter(complaint_events::complaint_id.eq(complaints::id))
                .filter(complaint_events::kind.eq(EventKind::Closed))
                .filter(complaint_events::at.le(cutoff)),
        )
    };
    let settled = || not(has_move(&[EventKind::Rewarded])).or(has_move(&[EventKind::RewardPaid]));
    let mut found: Vec<(NaiveDateTime, String)> = complaints::table
        .filter(complaints::reporter_phone.is_not_null())
        .filter(complaints::received_at.le(cutoff))
        .filter(closed_by())
        .filter(settled())
        .order(complaints::received_at.asc())
        .limit(max)
        .select((complaints::received_at, complaints::id))
        .load(conn)?;
    found.extend(
        complaints::table
            .filter(complaints::reporter_name.is_not_null())
            .filter(complaints::received_at.le(cutoff))
            .filter(closed_by())
            .filter(settled())
            .order(complaints::received_at.asc())
            .limit(max)
            .select((complaints::received_at, complaints::id))
            .load::<(NaiveDateTime, String)>(conn)?,
    );
    let claimed = complaint_events::table
        .filter(complaint_events::claimant_phone.is_not_null())
        .select(complaint_events::complaint_id);
    found.extend(
        complaints::table
            .filter(complaints::id.eq_any(claimed))
            .filter(complaints::received_at.le(cutoff))
            .filter(closed_by())
            .filter(settled())
            .order(complaints::received_at.asc())
            .limit(max)
            .select((complaints::received_at, complaints::id))
            .load::<(NaiveDateTime, String)>(conn)?,
    );
    found.sort();
    found.dedup();
    Ok(found
        .into_iter()
        .take(usize::try_from(max).unwrap_or(0))
        .map(|(_, id)| id)
        .collect())
}

/// Erase the personal data of complaint `id` if it is (still) due by `cutoff`, inside the caller's write
/// transaction: the complaint row and every claim of it, each audited, then the `reporter_erased` move.
/// Returns whether anything was erased (false when already erased, not due, or nothing personal is held).
pub fn erase(
    conn: &mut DbConnection,
    id: &str,
    cutoff: NaiveDateTime,
    note: &str,
) -> AppResult<bool> {
    let (c, events) = queries::load(conn, id)?;
    let holds_data = c.reporter_name.is_some()
        || c.reporter_phone.is_some()
        || events.iter().any(|e| {
            e.claimant_name.is_some() || e.claimant_phone.is_some() || e.claimant_account.is_some()
        });
    if c.reporter_erased_at.is_some() || !holds_data || !due(&events, cutoff) {
        return Ok(false);
    }
    // Guarded by `reporter_erased_at IS NULL`: a sweep running at the same time (the service and
    // `niuyang sweep`) waits for this one's row lock, then finds nothing to update.
    let erased: Option<Complaint> = diesel::update(
        complaints::table
            .filter(complaints::id.eq(id))
            .filter(complaints::reporter_erased_at.is_null()),
    )
    .set((
        complaints::reporter_name.eq(None::<String>),
        complaints::reporter_phone.eq(None::<String>),
        complaints::reporter_salt.eq(None::<String>),
        complaints::reporter_erased_at.eq(Some(crate::time::now())),
    ))
    .returning(complaints::all_columns)
    .get_result(conn)
    .optional()?;
    let Some(c) = erased else {
        return Ok(false);
    };
    audit::record(conn, None, ACTION, &c)?;
    let claims: Vec<ComplaintEvent> = diesel::update(
        complaint_events::table
            .filter(complaint_events::complaint_id.eq(id))
            .filter(
                complaint_events::claimant_name
                    .is_not_null()
                    .or(complaint_events::claimant_phone.is_not_null())
                    .or(complaint_events::claimant_account.is_not_null())
                    .or(complaint_events::claimant_salt.is_not_null()),
            ),
    )
    .set((
        complaint_events::claimant_name.eq(None::<String>),
        complaint_events::claimant_phone.eq(None::<String>),
        complaint_events::claimant_account.eq(None::<String>),
        complaint_events::claimant_salt.eq(None::<String>),
    ))
    .returning(complaint_events::all_columns)
    .get_results(conn)?;
    for e in &claims {
        audit::record(conn, None, ACTION, e)?;
    }
    let s = super::domain::state(&events);
    queries::add_event(
        conn,
        &c,
        s.last_seq,
        ComplaintEvent {
            kind: EventKind::ReporterErased,
            status: ComplaintStatus::Closed,
            note: Some(note.to_string()),
            ..queries::blank_event()
        },
    )?;
    Ok(true)
}

/// Days the `Idempotency-Key` of a complaint filing is kept (its fingerprint covers the reporter's details).
pub const FILING_KEY_DAYS: u32 = 7;

/// Erase what is due as of `now` with a retention of `days`, at most [`PER_SWEEP`] complaints, each in a
/// write transaction of its own (found on a reader, checked again inside the write). Returns how many were
/// erased; running it again at once erases nothing more.
pub fn sweep(db: &Db, now: NaiveDateTime, days: u32) -> AppResult<usize> {
    let Some(cutoff) = cutoff(now, days) else {
        return Ok(0);
    };
    // The repeat-safe keys of complaint filings hold a fingerprint of the whole request, reporter included:
    // they go after a week (a retry comes within minutes), or sooner with a shorter retention.
    let keys_before = now - chrono::Duration::days(i64::from(days.min(FILING_KEY_DAYS)));
    db.write_now(move |c| {
        use crate::schema::idempotency_keys;

        diesel::delete(
            idempotency_keys::table
                .filter(idempotency_keys::operation.like("complaint.%"))
                .filter(idempotency_keys::created_at.lt(keys_before)),
        )
        .execute(c)?;
        Ok(())
    })?;
    let ids = db.read_now(move |c| Ok(due_ids(c, cutoff, PER_SWEEP)?))?;
    let note = note(days);
    let mut n = 0;
    for id in ids {
        let note = note.clone();
        if db.write_now(move |c| erase(c, &id, cutoff, &note))? {
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complaints::queries::blank_event;

    fn at(day: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, day)
            .and_then(|d| d.and_hms_opt(2, 0, 0))
            .unwrap()
    }

    fn ev(kind: EventKind, day: u32) -> ComplaintEvent {
        ComplaintEvent {
            kind,
            at: at(day),
            ..blank_event()
        }
    }

    #[test]
    fn due_once_closed_past_the_period_with_no_reward_outstanding() {
        use EventKind::*;
        let unsubstantiated = [ev(Received, 1), ev(Unsubstantiated, 2), ev(Closed, 3)];
        assert!(!due(&unsubstantiated, at(2)), "closed after the cutoff");
        assert!(due(&unsubstantiated, at(3)));
        let open = [ev(Received, 1), ev(Dispatched, 2), ev(Investigating, 3)];
        assert!(!due(&open, at(20)));
        let paid = [
            ev(Substantiated, 2),
            ev(Rewarded, 3),
            ev(RewardClaimed, 4),
            ev(RewardPaid, 5),
            ev(Closed, 6),
        ];
        assert!(due(&paid, at(6)));
        let outstanding = [ev(Substantiated, 2), ev(Rewarded, 3), ev(Closed, 6)];
        assert!(!due(&outstanding, at(20)), "the reward is still to be paid");
        let no_reward = [ev(Substantiated, 2), ev(Closed, 6)];
        assert!(due(&no_reward, at(20)));
        let erased = [ev(Unsubstantiated, 2), ev(Closed, 3), ev(ReporterErased, 4)];
        assert!(!due(&erased, at(20)), "once only");
    }

    /// Rows written before the retention migration have no salt and no erasure time: their stored form, and
    /// so the content hash the audit trail holds for them, must be what it was (the same keys in the same
    /// order), or every old complaint would fail verification.
    #[test]
    fn rows_from_before_the_migration_keep_their_stored_form() {
        let keys = |v: serde_json::Value| -> Vec<String> {
            match v {
                serde_json::Value::Object(m) => m.keys().cloned().collect(),
                _ => Vec::new(),
            }
        };
        let c = Complaint {
            id: "c".into(),
            ticket_no: "TS".into(),
            access_salt: "s".into(),
            access_hash: "h".into(),
            category: super::super::model::Category::Other,
            description: "d".into(),
            place: None,
            district: None,
            subject_org_id: None,
            subject_lot_id: None,
            subject_name: None,
            subject_code: None,
            channel: super::super::model::Channel::Web,
            work_order_no: None,
            reporter_name: Some("n".into()),
            reporter_phone: None,
            side: super::super::model::Side::Circulation,
            routed_org_id: None,
            entered_by: None,
            received_at: at(1),
            dispatch_due: at(2).date(),
            conclude_due: at(3).date(),
            reporter_salt: None,
            reporter_erased_at: None,
        };
        let text = serde_json::to_string(&c).unwrap();
        assert!(!text.contains("reporter_salt") && !text.contains("reporter_erased_at"));
        assert!(text.ends_with(r#""conclude_due":"2026-12-03"}"#), "{text}");
        let salted = Complaint {
            reporter_salt: Some("x".into()),
            ..c
        };
        assert!(serde_json::to_string(&salted)
            .unwrap()
            .contains(r#""reporter_salt":"x""#));
        let e = serde_json::to_string(&ev(EventKind::RewardClaimed, 1)).unwrap();
        assert!(e.ends_with(r#""at":"2026-12-01T02:00:00"}"#), "{e}");
        assert_eq!(keys(serde_json::from_str(&e).unwrap()).len(), 16);
    }

    #[test]
    fn the_cutoff_is_the_period_before_now_and_never_overflows() {
        assert_eq!(cutoff(at(31), 0), Some(at(31)));
        assert_eq!(cutoff(at(31), 30), Some(at(1)));
        assert_eq!(cutoff(at(31), u32::MAX), None);
        assert!(note(365).contains("365") && note(365).contains(RULE));
    }
}
