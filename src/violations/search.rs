//! The inspectors' view of violations: filtered by district, subject, rule, source, status, severity and
//! China-time date range, sorted by time either way, paged by an opaque cursor (so a page never shifts when
//! new violations arrive), counted by district, rule and status for the dashboard.

use base64::Engine;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, exists, not};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{Severity, Violation, ViolationEventKind, ViolationSource, ViolationStatus};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::organisations::model::District;
use crate::policy::Scope;
use crate::refusal::Code;
use crate::schema::{organisations, violation_events, violations};

/// Sort order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest first (default).
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
}

/// Filters of the violation list, counts and export.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// District where it happened.
    pub district: Option<District>,
    /// Rule code.
    pub rule: Option<String>,
    /// Subject organisation.
    pub subject_org_id: Option<String>,
    /// Source.
    pub source: Option<ViolationSource>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Status.
    pub status: Option<ViolationStatus>,
    /// First day (China time), inclusive.
    pub from: Option<NaiveDate>,
    /// Last day (China time), inclusive.
    pub to: Option<NaiveDate>,
}

impl Filter {
    /// Refuse a range that ends before it starts.
    pub fn check(&self) -> AppResult<()> {
        match (self.from, self.to) {
            (Some(f), Some(t)) if t < f => Err(Code::InvalidDateRange.into()),
            _ => Ok(()),
        }
    }
}

/// Where a page starts: after this (time, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Detection time (UTC).
    pub at: NaiveDateTime,
    /// Violation id.
    pub id: String,
}

impl Cursor {
    /// The opaque text form handed to clients.
    pub fn encode(&self) -> String {
        let raw = format!("{}|{}", self.at.and_utc().timestamp_micros(), self.id);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }

    /// Parse a cursor a client sent back.
    pub fn decode(text: &str) -> AppResult<Cursor> {
        let bad = || AppError::from(Code::InvalidCursor);
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| bad())?;
        let raw = String::from_utf8(raw).map_err(|_| bad())?;
        let (micros, id) = raw.split_once('|').ok_or_else(bad)?;
        let micros: i64 = micros.parse().map_err(|_| bad())?;
        let at = chrono::DateTime::from_timestamp_micros(micros)
            .ok_or_else(bad)?
            .naive_utc();
        if uuid::Uuid::parse_str(id).is_err() {
            return Err(bad());
        }
        Ok(Cursor {
            at,
            id: id.to_string(),
        })
    }
}

/// UTC start of a China calendar day.
fn day_start(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8)
}

type Boxed<'a> = diesel::helper_types::IntoBoxed<
    'a,
    diesel::helper_types::LeftJoinOn<
        violations::table,
        organisations::table,
        diesel::helper_types::Eq<
            diesel::helper_types::Nullable<organisations::id>,
            violations::subject_org_id,
        >,
    >,
    <DbConnection as diesel::Connection>::Backend,
>;

type EventsOf = diesel::helper_types::Filter<
    diesel::helper_types::Filter<
        violation_events::table,
        diesel::helper_types::Eq<violation_events::violation_id, violations::id>,
    >,
    diesel::helper_types::EqAny<violation_events::kind, Vec<ViolationEventKind>>,
>;

fn event_exists(kinds: &'static [ViolationEventKind]) -> exists<EventsOf> {
    exists(
        violation_events::table
            .filter(violation_events::violation_id.eq(violations::id))
            .filter(violation_events::kind.eq_any(kinds.to_vec())),
    )
}

/// Apply the scope and every filter but the status to a boxed query over violations left-joined to their
/// subject.
macro_rules! scoped_base {
    ($q:expr, $scope:expr, $f:expr) => {{
        let scope: &Scope = $scope;
        let f: &Filter = $f;
        let mut q = $q;
        if let Some(orgs) = &scope.orgs {
            q = q.filter(violations::subject_org_id.eq_any(orgs.clone()));
        }
        if let Some(d) = scope.district {
            q = q.filter(violations::district.eq(d));
        }
        if let Some(kinds) = scope.kinds {
            q = q.filter(
                organisations::kind
                    .eq_any(kinds.to_vec())
                    .or(violations::subject_org_id.is_null()),
            );
        }
        if let Some(d) = f.district {
            q = q.filter(violations::district.eq(d));
        }
        if let Some(r) = &f.rule {
            q = q.filter(violations::rule.eq(r.clone()));
        }
        if let Some(o) = &f.subject_org_id {
            q = q.filter(violations::subject_org_id.eq(o.clone()));
        }
        if let Some(s) = f.source {
            q = q.filter(violations::source.eq(s));
        }
        if let Some(s) = f.severity {
            q = q.filter(violations::severity.eq(s));
        }
        if let Some(d) = f.from {
            q = q.filter(violations::detected_at.ge(day_start(d)));
        }
        if let Some(d) = f.to {
            q = q.filter(violations::detected_at.lt(day_start(d + chrono::Days::new(1))));
        }
        q
    }};
}

/// Apply the scope and the filters, status included, to a boxed query over violations left-joined to
/// their subject.
macro_rules! scoped {
    ($q:expr, $scope:expr, $f:expr) => {{
        use ViolationEventKind as K;
        let f: &Filter = $f;
        let mut q = scoped_base!($q, $scope, f);
        q = match f.status {
            None => q,
            Some(ViolationStatus::Open) => q.filter(not(event_exists(&[
                K::Investigating,
                K::Penalised,
                K::Dismissed,
            ]))),
            Some(ViolationStatus::Investigating) => q
                .filter(event_exists(&[K::Investigating]))
                .filter(not(event_exists(&[K::Penalised, K::Dismissed]))),
            Some(ViolationStatus::Penalised) => q.filter(event_exists(&[K::Penalised])),
            Some(ViolationStatus::Dismissed) => q.filter(event_exists(&[K::Dismissed])),
        };
        q
    }};
}

fn joined() -> diesel::helper_types::LeftJoinOn<
    violations::table,
    organisations::table,
    diesel::helper_types::Eq<
        diesel::helper_types::Nullable<organisations::id>,
        violations::subject_org_id,
    >,
> {
    violations::table.left_join(
        organisations::table.on(organisations::id.nullable().eq(violations::subject_org_id)),
    )
}

/// The scoped, filtered query (no order, no paging).
fn filtered<'a>(scope: &'a Scope, f: &'a Filter) -> Boxed<'a> {
    scoped!(joined().into_boxed(), scope, f)
}

/// One page of violations in the scope, and the cursor of the next page when there is one.
pub fn page(
    conn: &mut DbConnection,
    scope: &Scope,
    f: &Filter,
    sort: Sort,
    after: Option<&Cursor>,
    limit: i64,
) -> QueryResult<(Vec<Violation>, Option<Cursor>)> {
    let mut q = filtered(scope, f);
    q = match (sort, after) {
        (Sort::Newest, Some(c)) => q.filter(
            violations::detected_at.lt(c.at).or(violations::detected_at
                .eq(c.at)
                .and(violations::id.gt(c.id.clone()))),
        ),
        (Sort::Oldest, Some(c)) => q.filter(
            violations::detected_at.gt(c.at).or(violations::detected_at
                .eq(c.at)
                .and(violations::id.gt(c.id.clone()))),
        ),
        (_, None) => q,
    };
    q = match sort {
        Sort::Newest => q.order((violations::detected_at.desc(), violations::id.asc())),
        Sort::Oldest => q.order((violations::detected_at.asc(), violations::id.asc())),
    };
    let mut items: Vec<Violation> = q
        .limit(limit + 1)
        .select(Violation::as_select())
        .load(conn)?;
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|v| Cursor {
            at: v.detected_at,
            id: v.id.clone(),
        })
    } else {
        None
    };
    Ok((items, next))
}

/// A count under one key.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Count {
    /// The key (district, rule code or status); `null` for violations with no district.
    pub key: Option<String>,
    /// Chinese label of the key.
    pub label: String,
    /// English label.
    pub label_en: String,
    /// How many.
    pub count: i64,
}

/// The dashboard: counts of the violations matching the filters.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Counts {
    /// All of them.
    pub total: i64,
    /// By district, largest first.
    pub by_district: Vec<Count>,
    /// By rule, largest first.
    pub by_rule: Vec<Count>,
    /// By status.
    pub by_status: Vec<Count>,
}

fn english_district(d: District) -> String {
    let code = d.to_string();
    let mut c = code.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn sorted(mut v: Vec<Count>) -> Vec<Count> {
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    v
}

/// Counts by district, rule and status, in the scope.
pub fn counts(conn: &mut DbConnection, scope: &Scope, f: &Filter) -> QueryResult<Counts> {
    let total: i64 = filtered(scope, f).count().get_result(conn)?;
    let by_district: Vec<(Option<District>, i64)> = scoped!(
        joined()
            .group_by(violations::district)
            .select((violations::district, count_star()))
            .into_boxed(),
        scope,
        f
    )
    .load(conn)?;
    let by_rule: Vec<(String, i64)> = scoped!(
        joined()
            .group_by(violations::rule)
            .select((violations::rule, count_star()))
            .into_boxed(),
        scope,
        f
    )
    .load(conn)?;
    // Statuses from the events of the violations counted, grouped by kind and number: investigating can
    // only be a violation's first step, and a conclusion is its second exactly when an investigation came
    // first (ViolationStatus::allows), so "investigating now" = investigations − conclusions numbered 2.
    // One join the database can drive from the filtered violations, instead of an EXISTS per status.
    let steps: Vec<(ViolationEventKind, i32, i64)> = if f.status.is_some() {
        Vec::new()
    } else {
        scoped_base!(
            violation_events::table
                .inner_join(violations::table)
                .left_join(
                    organisations::table
                        .on(organisations::id.nullable().eq(violations::subject_org_id)),
                )
                .group_by((violation_events::kind, violation_events::seq))
                .select((violation_events::kind, violation_events::seq, count_star()))
                .into_boxed(),
            scope,
            f
        )
        .load(conn)?
    };
    let of = |kind: ViolationEventKind, seq: Option<i32>| -> i64 {
        steps
            .iter()
            .filter(|(k, s, _)| *k == kind && seq.is_none_or(|x| x == *s))
            .map(|(_, _, n)| n)
            .sum()
    };
    let penalised = of(ViolationEventKind::Penalised, None);
    let dismissed = of(ViolationEventKind::Dismissed, None);
    let investigating = of(ViolationEventKind::Investigating, None)
        - of(ViolationEventKind::Penalised, Some(2))
        - of(ViolationEventKind::Dismissed, Some(2));
    let tally = match f.status {
        // Filtered by status: every violation counted has it.
        Some(s) => [
            ViolationStatus::Open,
            ViolationStatus::Investigating,
            ViolationStatus::Penalised,
            ViolationStatus::Dismissed,
        ]
        .map(|x| if x == s { total } else { 0 }),
        None => [
            total - penalised - dismissed - investigating,
            investigating,
            penalised,
            dismissed,
        ],
    };
    let by_status = [
        ViolationStatus::Open,
        ViolationStatus::Investigating,
        ViolationStatus::Penalised,
        ViolationStatus::Dismissed,
    ]
    .into_iter()
    .zip(tally)
    .filter(|(s, _)| f.status.is_none_or(|x| x == *s))
    .map(|(s, n)| {
        let (zh, en) = super::labels::status(s);
        Count {
            key: Some(s.to_string()),
            label: zh.to_string(),
            label_en: en.to_string(),
            count: n,
        }
    })
    .collect();
    Ok(Counts {
        total,
        by_district: sorted(
            by_district
                .into_iter()
                .map(|(d, n)| Count {
                    key: d.map(|d| d.to_string()),
                    label: d.map_or("市级".to_string(), |d| d.zh().to_string()),
                    label_en: d.map_or("city level".to_string(), english_district),
                    count: n,
                })
                .collect(),
        ),
        by_rule: sorted(
            by_rule
                .into_iter()
                .map(|(r, n)| {
                    let rule = super::rules::find(&r);
                    Count {
                        label: rule.map_or(r.clone(), |x| x.title.to_string()),
                        label_en: rule.map_or(r.clone(), |x| x.title_en.to_string()),
                        key: Some(r),
                        count: n,
                    }
                })
                .collect(),
        ),
        by_status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        let c = Cursor {
            at: chrono::DateTime::from_timestamp_micros(1_780_000_000_123_456)
                .map(|d| d.naive_utc())
                .unwrap_or_default(),
            id: uuid::Uuid::new_v4().to_string(),
        };
        assert_eq!(Cursor::decode(&c.encode()).ok(), Some(c));
        for bad in ["", "xyz", "MTIzNA", "MTIzfG5vdC1hLXV1aWQ"] {
            assert_eq!(
                Cursor::decode(bad).err().map(|e| e.code()).as_deref(),
                Some("invalid_cursor"),
                "{bad}"
            );
        }
    }

    #[test]
    fn china_days_start_at_sixteen_utc() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
        assert_eq!(day_start(d).to_string(), "2026-11-27 16:00:00");
    }
}
