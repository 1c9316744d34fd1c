//! Animal certificate queries.

use diesel::prelude::*;

use super::model::{AnimalCertificate, CertificateWithTags};
use crate::audit;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::paging::PageParams;
use crate::refusal::{Code, Refusal};
use crate::schema::{animal_certificate_ear_tags as tags, animal_certificates as certs};

/// Record a certificate with its ear tags (audited). Its number must be new to the system.
pub fn create(
    conn: &mut DbConnection,
    actor: Option<&str>,
    cert: AnimalCertificate,
    ear_tags: Vec<String>,
) -> AppResult<CertificateWithTags> {
    let taken: i64 = certs::table
        .filter(certs::number.eq(&cert.number))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(Refusal::of(Code::CertificateNumberTaken)
            .with("what", "检疫证明")
            .with("what_en", "certificate")
            .with("number", &cert.number)
            .into());
    }
    let cert: AnimalCertificate = diesel::insert_into(certs::table)
        .values(&cert)
        .returning(certs::all_columns)
        .get_result(conn)?;
    for t in &ear_tags {
        diesel::insert_into(tags::table)
            .values((tags::certificate_id.eq(&cert.id), tags::ear_tag.eq(t)))
            .execute(conn)?;
    }
    let full = CertificateWithTags {
        certificate: cert,
        ear_tags,
    };
    audit::record(conn, actor, "create", &full)?;
    Ok(full)
}

fn attach(
    conn: &mut DbConnection,
    list: Vec<AnimalCertificate>,
) -> QueryResult<Vec<CertificateWithTags>> {
    let ids: Vec<&str> = list.iter().map(|c| c.id.as_str()).collect();
    let rows: Vec<(String, String)> = tags::table
        .filter(tags::certificate_id.eq_any(&ids))
        .order((tags::certificate_id.asc(), tags::ear_tag.asc()))
        .select((tags::certificate_id, tags::ear_tag))
        .load(conn)?;
    let mut by_cert: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (c, t) in rows {
        by_cert.entry(c).or_default().push(t);
    }
    Ok(list
        .into_iter()
        .map(|c| CertificateWithTags {
            ear_tags: by_cert.remove(&c.id).unwrap_or_default(),
            certificate: c,
        })
        .collect())
}

/// One certificate with its tags.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<CertificateWithTags>> {
    let c: Option<AnimalCertificate> = certs::table
        .find(id)
        .select(AnimalCertificate::as_select())
        .first(conn)
        .optional()?;
    Ok(match c {
        Some(c) => attach(conn, vec![c])?.pop(),
        None => None,
    })
}

/// Certificates addressed to these slaughterhouses (or all, when `None`), newest first.
pub fn list(
    conn: &mut DbConnection,
    destinations: Option<&[String]>,
    page: PageParams,
) -> QueryResult<(Vec<CertificateWithTags>, i64)> {
    let filtered = || {
        let mut q = certs::table.into_boxed();
        if let Some(d) = destinations {
            q = q.filter(certs::destination_id.eq_any(d.to_vec()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .order((certs::issued_at.desc(), certs::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(AnimalCertificate::as_select())
        .load(conn)?;
    Ok((attach(conn, items)?, total))
}

/// Every certificate with its tags (for audit verification).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<CertificateWithTags>> {
    let items = certs::table
        .select(AnimalCertificate::as_select())
        .load(conn)?;
    attach(conn, items)
}
