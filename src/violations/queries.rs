//! Violation queries: opening one (audited together with the records it involves), recording an attempt,
//! and the scoped list.

use diesel::prelude::*;
use serde::Serialize;

use super::model::{InvolvedRecord, Severity, Violation, ViolationSource};
use super::rules::Rule;
use crate::audit::{self, Audited};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::organisations::model::{District, Organisation};
use crate::paging::PageParams;
use crate::policy::Scope;
use crate::schema::{organisations, violation_records, violations};

/// A violation with the records it involves: the unit the audit trail hashes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ViolationWithRecords {
    /// The violation.
    #[serde(flatten)]
    pub violation: Violation,
    /// The records involved.
    pub records: Vec<InvolvedRecord>,
}

impl Audited for ViolationWithRecords {
    const ENTITY: &'static str = "violation";
    fn audit_id(&self) -> &str {
        &self.violation.id
    }
}

/// Who broke the rule.
pub enum Subject<'a> {
    /// A registered organisation.
    Org(&'a Organisation),
    /// An unregistered party.
    Unregistered {
        /// Name.
        name: &'a str,
        /// Address.
        address: &'a str,
        /// District where it is.
        district: Option<District>,
    },
}

/// What a new violation needs.
pub struct NewViolation<'a> {
    /// The rule.
    pub rule: &'a Rule,
    /// Source.
    pub source: ViolationSource,
    /// Subject.
    pub subject: Subject<'a>,
    /// What happened (Chinese, English).
    pub summary: (String, String),
    /// The user who tried or recorded it.
    pub actor_id: Option<&'a str>,
    /// The records involved.
    pub records: Vec<(&'a str, String)>,
}

/// Open a violation (audited).
pub fn open(conn: &mut DbConnection, new: NewViolation<'_>) -> AppResult<ViolationWithRecords> {
    let (subject_org_id, subject_name, subject_address, district) = match new.subject {
        Subject::Org(o) => (Some(o.id.clone()), None, None, o.district),
        Subject::Unregistered {
            name,
            address,
            district,
        } => (
            None,
            Some(name.to_string()),
            Some(address.to_string()),
            district,
        ),
    };
    let v = Violation {
        id: uuid::Uuid::new_v4().to_string(),
        rule: new.rule.code.to_string(),
        article: new.rule.article.to_string(),
        source: new.source,
        severity: new.rule.severity,
        subject_org_id,
        subject_name,
        subject_address,
        district,
        summary: new.summary.0,
        summary_en: new.summary.1,
        actor_id: new.actor_id.map(str::to_string),
        detected_at: crate::time::now(),
    };
    let v: Violation = diesel::insert_into(violations::table)
        .values(&v)
        .returning(violations::all_columns)
        .get_result(conn)?;
    let mut records = Vec::new();
    for (entity, id) in new.records {
        diesel::insert_into(violation_records::table)
            .values((
                violation_records::violation_id.eq(&v.id),
                violation_records::entity.eq(entity),
                violation_records::entity_id.eq(&id),
            ))
            .execute(conn)?;
        records.push(InvolvedRecord {
            entity: entity.to_string(),
            entity_id: id,
        });
    }
    records.sort_by(|a, b| (&a.entity, &a.entity_id).cmp(&(&b.entity, &b.entity_id)));
    let full = ViolationWithRecords {
        violation: v,
        records,
    };
    audit::record(conn, new.actor_id, "open", &full)?;
    Ok(full)
}

fn with_records(
    conn: &mut DbConnection,
    vs: Vec<Violation>,
) -> QueryResult<Vec<ViolationWithRecords>> {
    let ids: Vec<&str> = vs.iter().map(|v| v.id.as_str()).collect();
    let rows: Vec<(String, String, String)> = violation_records::table
        .filter(violation_records::violation_id.eq_any(&ids))
        .order((
            violation_records::entity.asc(),
            violation_records::entity_id.asc(),
        ))
        .select((
            violation_records::violation_id,
            violation_records::entity,
            violation_records::entity_id,
        ))
        .load(conn)?;
    Ok(vs
        .into_iter()
        .map(|v| {
            let records = rows
                .iter()
                .filter(|(vid, _, _)| *vid == v.id)
                .map(|(_, e, id)| InvolvedRecord {
                    entity: e.clone(),
                    entity_id: id.clone(),
                })
                .collect();
            ViolationWithRecords {
                violation: v,
                records,
            }
        })
        .collect())
}

/// Every violation with its records (for audit verification).
pub fn all_with_records(conn: &mut DbConnection) -> QueryResult<Vec<ViolationWithRecords>> {
    let vs = violations::table
        .select(Violation::as_select())
        .load(conn)?;
    with_records(conn, vs)
}

/// Filters of the violation list.
#[derive(Debug, Default, Clone)]
pub struct ViolationFilter {
    /// Rule code.
    pub rule: Option<String>,
    /// Subject organisation.
    pub subject_org_id: Option<String>,
    /// Source.
    pub source: Option<ViolationSource>,
    /// Severity.
    pub severity: Option<Severity>,
}

/// Violations inside the scope (by their subject's organisation or, for unregistered subjects, their
/// district), newest first.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    filter: &ViolationFilter,
    page: PageParams,
) -> QueryResult<(Vec<ViolationWithRecords>, i64)> {
    let filtered = || {
        let mut q = violations::table
            .left_join(
                organisations::table
                    .on(organisations::id.nullable().eq(violations::subject_org_id)),
            )
            .into_boxed();
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
        if let Some(r) = &filter.rule {
            q = q.filter(violations::rule.eq(r.clone()));
        }
        if let Some(o) = &filter.subject_org_id {
            q = q.filter(violations::subject_org_id.eq(o.clone()));
        }
        if let Some(s) = filter.source {
            q = q.filter(violations::source.eq(s));
        }
        if let Some(s) = filter.severity {
            q = q.filter(violations::severity.eq(s));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let items: Vec<Violation> = filtered()
        .order((violations::detected_at.desc(), violations::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(Violation::as_select())
        .load(conn)?;
    Ok((with_records(conn, items)?, total))
}
