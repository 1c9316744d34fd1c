//! Credit-file queries.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::{CreditEvent, CreditEventKind};
use crate::audit;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::paging::PageParams;
use crate::schema::credit_events;

/// A new event.
pub struct NewEvent<'a> {
    /// The enterprise.
    pub org_id: &'a str,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// Kind.
    pub kind: CreditEventKind,
    /// What happened.
    pub summary: &'a str,
    /// The record it comes from.
    pub source: Option<(&'a str, &'a str)>,
}

/// Add an event (audited).
pub fn add(
    conn: &mut DbConnection,
    actor: Option<&str>,
    new: NewEvent<'_>,
) -> AppResult<CreditEvent> {
    let e = CreditEvent {
        id: uuid::Uuid::new_v4().to_string(),
        org_id: new.org_id.to_string(),
        occurred_on: new.occurred_on,
        kind: new.kind,
        summary: new.summary.trim().to_string(),
        source_entity: new.source.map(|s| s.0.to_string()),
        source_id: new.source.map(|s| s.1.to_string()),
        recorded_by: actor.map(str::to_string),
        recorded_at: crate::time::now(),
    };
    let e: CreditEvent = diesel::insert_into(credit_events::table)
        .values(&e)
        .returning(credit_events::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "create", &e)?;
    Ok(e)
}

/// An enterprise's file, newest first.
pub fn list(
    conn: &mut DbConnection,
    org_id: &str,
    page: PageParams,
) -> QueryResult<(Vec<CreditEvent>, i64)> {
    let total = credit_events::table
        .filter(credit_events::org_id.eq(org_id))
        .count()
        .get_result(conn)?;
    let items = credit_events::table
        .filter(credit_events::org_id.eq(org_id))
        .order((
            credit_events::occurred_on.desc(),
            credit_events::recorded_at.desc(),
        ))
        .limit(page.limit())
        .offset(page.offset())
        .select(CreditEvent::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// An enterprise's events after `day`.
pub fn since(
    conn: &mut DbConnection,
    org_id: &str,
    day: NaiveDate,
) -> QueryResult<Vec<CreditEvent>> {
    credit_events::table
        .filter(credit_events::org_id.eq(org_id))
        .filter(credit_events::occurred_on.gt(day))
        .order((credit_events::occurred_on, credit_events::recorded_at))
        .select(CreditEvent::as_select())
        .load(conn)
}

/// The severity of each violation these events come from.
pub fn violation_severities(
    conn: &mut DbConnection,
    events: &[CreditEvent],
) -> QueryResult<Vec<(String, crate::violations::model::Severity)>> {
    use crate::schema::violations;
    let ids: Vec<&str> = events
        .iter()
        .filter(|e| e.source_entity.as_deref() == Some("violation"))
        .filter_map(|e| e.source_id.as_deref())
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    violations::table
        .filter(violations::id.eq_any(ids))
        .select((violations::id, violations::severity))
        .load(conn)
}
