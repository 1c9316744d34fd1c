//! Violation queries: opening one (audited together with the records it involves). The inspectors' list is
//! in `search.rs`.

use diesel::prelude::*;
use serde::Serialize;

use super::model::{InvolvedRecord, Violation, ViolationSource};
use super::rules::Rule;
use crate::audit::{self, Audited};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::organisations::model::{District, Organisation};
use crate::schema::{violation_records, violations};

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
    open_at(conn, new, crate::time::now())
}

/// Open a violation detected at `at` (the demo's history; everything else uses [`open`]).
pub fn open_at(
    conn: &mut DbConnection,
    new: NewViolation<'_>,
    at: chrono::NaiveDateTime,
) -> AppResult<ViolationWithRecords> {
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
        detected_at: at,
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

pub fn with_records(
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
