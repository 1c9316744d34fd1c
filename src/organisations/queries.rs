//! Organisation queries.

use diesel::prelude::*;

use super::model::{District, OrgKind, Organisation};
use crate::audit;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::paging::PageParams;
use crate::schema::organisations;

/// Create an organisation (audited).
pub fn create(
    conn: &mut DbConnection,
    actor: Option<&str>,
    kind: OrgKind,
    name: &str,
    district: Option<District>,
) -> AppResult<Organisation> {
    let org = Organisation {
        id: uuid::Uuid::new_v4().to_string(),
        kind,
        name: name.trim().to_string(),
        district,
        created_at: crate::time::now(),
    };
    let org: Organisation = diesel::insert_into(organisations::table)
        .values(&org)
        .returning(organisations::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "create", &org)?;
    Ok(org)
}

/// One organisation.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Organisation>> {
    organisations::table
        .find(id)
        .select(Organisation::as_select())
        .first(conn)
        .optional()
}

/// Organisations filtered by kind and district, by name.
pub fn list(
    conn: &mut DbConnection,
    kind: Option<OrgKind>,
    district: Option<District>,
    page: PageParams,
) -> QueryResult<(Vec<Organisation>, i64)> {
    let filtered = || {
        let mut q = organisations::table.into_boxed();
        if let Some(k) = kind {
            q = q.filter(organisations::kind.eq(k));
        }
        if let Some(d) = district {
            q = q.filter(organisations::district.eq(d));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .order((organisations::name.asc(), organisations::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(Organisation::as_select())
        .load(conn)?;
    Ok((items, total))
}
