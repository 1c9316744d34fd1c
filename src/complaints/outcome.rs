//! What a substantiated complaint leads to: a violation against its subject, and an event in the subject's
//! credit file when it is a registered enterprise.

use super::model::Complaint;
use crate::credit::model::CreditEventKind;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::violations::model::ViolationSource;
use crate::violations::queries::{NewViolation, Subject};

/// Open the violation (and the credit event); answers with the violation's id. Nothing about the reporter
/// goes into either.
pub fn substantiated(
    conn: &mut DbConnection,
    c: &Complaint,
    actor: Option<&str>,
    finding: &str,
) -> AppResult<String> {
    let rule = crate::violations::rules::complaint_rule(c.category.into());
    let subject_org = match &c.subject_org_id {
        Some(id) => crate::organisations::queries::find(conn, id)?,
        None => None,
    };
    let unnamed = "未登记的经营者".to_string();
    let subject = match &subject_org {
        Some(o) => Subject::Org(o),
        None => Subject::Unregistered {
            name: c.subject_name.as_ref().unwrap_or(&unnamed),
            address: c.place.as_deref().unwrap_or(""),
            district: c.district,
        },
    };
    let mut records = vec![("complaint", c.id.clone())];
    if let Some(lot) = &c.subject_lot_id {
        records.push(("lot", lot.clone()));
    }
    let v = crate::violations::queries::open(
        conn,
        NewViolation {
            rule,
            source: ViolationSource::Complaint,
            subject,
            summary: (
                format!("{}（12345 举报 {}）：{finding}", rule.title, c.ticket_no),
                format!(
                    "{} (12345 complaint {}): {finding}",
                    rule.title_en, c.ticket_no
                ),
            ),
            actor_id: actor,
            records,
        },
    )?;
    if let Some(o) = &subject_org {
        crate::credit::queries::add(
            conn,
            actor,
            crate::credit::queries::NewEvent {
                org_id: &o.id,
                occurred_on: crate::time::today_china(),
                kind: CreditEventKind::Warning,
                summary: &format!("12345 举报 {} 经查属实：{}", c.ticket_no, rule.title),
                source: Some(("complaint", &c.id)),
            },
        )?;
    }
    Ok(v.violation.id)
}
