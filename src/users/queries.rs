//! Account queries and the rules of account creation.

use diesel::prelude::*;

use super::model::{User, VetAssignment};
use crate::audit;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::organisations::model::{OrgKind, Organisation};
use crate::paging::PageParams;
use crate::policy::Role;
use crate::refusal::{Code, Refusal};
use crate::schema::{organisations, slaughterhouses, users, vet_assignments};

/// A login name: 3 to 64 of a-z, 0-9, `.`, `_`, `-`; stored lower-case.
pub fn normalise_username(name: &str) -> AppResult<String> {
    let n = name.trim().to_lowercase();
    let ok = (3..=64).contains(&n.len())
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c));
    if ok {
        Ok(n)
    } else {
        Err(Refusal::of(Code::InvalidUsername).into())
    }
}

/// What a new account needs.
pub struct NewUser<'a> {
    /// Login name (normalised here).
    pub username: &'a str,
    /// The password's argon2id hash (`auth::password::hash`, or `auth::checks` in the service): hashing
    /// happens before the write, never while holding the connection.
    pub password_hash: &'a str,
    /// Role.
    pub role: Role,
    /// Organisation id.
    pub org_id: &'a str,
    /// Must the user choose a new password at first login?
    pub must_change_password: bool,
}

/// Refuse anything but an argon2id PHC string where a hash belongs, so a password in clear can never be
/// stored by mistake.
fn require_hash(password_hash: &str) -> AppResult<()> {
    if password_hash.starts_with("$argon2id$") {
        Ok(())
    } else {
        Err(AppError::Internal(anyhow::anyhow!(
            "a password reached the database unhashed"
        )))
    }
}

/// Create an account (audited). The organisation must exist and be of a kind the role belongs to.
pub fn create(conn: &mut DbConnection, actor: Option<&str>, new: NewUser<'_>) -> AppResult<User> {
    let username = normalise_username(new.username)?;
    require_hash(new.password_hash)?;
    let org: Organisation = organisations::table
        .find(new.org_id)
        .select(Organisation::as_select())
        .first(conn)
        .optional()?
        .ok_or(Code::UnknownOrganisation)?;
    if !new.role.org_kinds().contains(&org.kind) {
        let kinds: Vec<&str> = new.role.org_kinds().iter().map(|k| k.zh()).collect();
        let kinds_en: Vec<String> = new.role.org_kinds().iter().map(|k| k.to_string()).collect();
        return Err(Refusal::of(Code::RoleOrgMismatch)
            .with("role", new.role)
            .with("allowed", kinds.join("、"))
            .with("allowed_en", kinds_en.join(", "))
            .with("kind_zh", org.kind.zh())
            .with("kind", org.kind)
            .into());
    }
    let taken: i64 = users::table
        .filter(users::username.eq(&username))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(Refusal::of(Code::UsernameTaken).into());
    }
    let now = crate::time::now();
    let user = User {
        id: uuid::Uuid::new_v4().to_string(),
        username,
        password_hash: new.password_hash.to_string(),
        role: new.role,
        org_id: org.id,
        disabled: false,
        must_change_password: new.must_change_password,
        session_epoch: 0,
        created_at: now,
        updated_at: now,
    };
    let user: User = diesel::insert_into(users::table)
        .values(&user)
        .returning(users::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "create", &user)?;
    Ok(user)
}

/// One account by id.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// One account by login name.
pub fn find_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::username.eq(username.trim().to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// An account with its organisation (for the request's actor).
pub fn find_with_org(
    conn: &mut DbConnection,
    id: &str,
) -> QueryResult<Option<(User, Organisation)>> {
    users::table
        .inner_join(organisations::table)
        .filter(users::id.eq(id))
        .select((User::as_select(), Organisation::as_select()))
        .first(conn)
        .optional()
}

/// Accounts, filtered by organisation and role, by name.
pub fn list(
    conn: &mut DbConnection,
    org_id: Option<&str>,
    role: Option<Role>,
    page: PageParams,
) -> QueryResult<(Vec<User>, i64)> {
    let filtered = || {
        let mut q = users::table.into_boxed();
        if let Some(o) = org_id {
            q = q.filter(users::org_id.eq(o.to_string()));
        }
        if let Some(r) = role {
            q = q.filter(users::role.eq(r));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .order(users::username.asc())
        .limit(page.limit())
        .offset(page.offset())
        .select(User::as_select())
        .load(conn)?;
    Ok((items, total))
}

fn save(
    conn: &mut DbConnection,
    actor: Option<&str>,
    action: &str,
    user: &User,
) -> AppResult<User> {
    let saved: User = diesel::update(users::table.find(&user.id))
        .set((
            users::password_hash.eq(&user.password_hash),
            users::disabled.eq(user.disabled),
            users::must_change_password.eq(user.must_change_password),
            users::session_epoch.eq(user.session_epoch),
            users::updated_at.eq(crate::time::now()),
        ))
        .returning(users::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, action, &saved)?;
    Ok(saved)
}

/// Disable or enable an account (audited). A disabled account's tokens stop working at once.
pub fn set_disabled(
    conn: &mut DbConnection,
    actor: Option<&str>,
    id: &str,
    disabled: bool,
) -> AppResult<User> {
    let mut user = find(conn, id)?.ok_or_else(|| AppError::not_found("用户", "user"))?;
    user.disabled = disabled;
    save(
        conn,
        actor,
        if disabled { "disable" } else { "enable" },
        &user,
    )
}

/// Set a new password, given its hash (audited), and end every token issued before.
pub fn set_password(
    conn: &mut DbConnection,
    actor: Option<&str>,
    id: &str,
    password_hash: &str,
    must_change: bool,
    action: &str,
) -> AppResult<User> {
    require_hash(password_hash)?;
    let mut user = find(conn, id)?.ok_or_else(|| AppError::not_found("用户", "user"))?;
    user.password_hash = password_hash.to_string();
    user.must_change_password = must_change;
    user.session_epoch += 1;
    save(conn, actor, action, &user)
}

/// The slaughterhouses a vet is assigned to now.
pub fn active_assignments(conn: &mut DbConnection, vet_id: &str) -> QueryResult<Vec<String>> {
    vet_assignments::table
        .filter(vet_assignments::vet_id.eq(vet_id))
        .filter(vet_assignments::ended_at.is_null())
        .select(vet_assignments::slaughterhouse_id)
        .load(conn)
}

/// Every assignment of a vet, current and ended.
pub fn assignments_of(conn: &mut DbConnection, vet_id: &str) -> QueryResult<Vec<VetAssignment>> {
    vet_assignments::table
        .filter(vet_assignments::vet_id.eq(vet_id))
        .order(vet_assignments::assigned_at.asc())
        .select(VetAssignment::as_select())
        .load(conn)
}

/// Assign an official vet to a slaughterhouse (audited).
pub fn assign_vet(
    conn: &mut DbConnection,
    actor: Option<&str>,
    vet_id: &str,
    slaughterhouse_id: &str,
) -> AppResult<VetAssignment> {
    let vet = find(conn, vet_id)?.ok_or_else(|| AppError::not_found("用户", "user"))?;
    if vet.role != Role::OfficialVet {
        return Err(Code::NotAVet.into());
    }
    let exists: i64 = slaughterhouses::table
        .filter(slaughterhouses::org_id.eq(slaughterhouse_id))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        return Err(Code::UnknownSlaughterhouse.into());
    }
    if active_assignments(conn, vet_id)?
        .iter()
        .any(|s| s == slaughterhouse_id)
    {
        return Err(Code::AlreadyAssigned.into());
    }
    let a = VetAssignment {
        id: uuid::Uuid::new_v4().to_string(),
        vet_id: vet.id,
        slaughterhouse_id: slaughterhouse_id.to_string(),
        assigned_by: actor.map(str::to_string),
        assigned_at: crate::time::now(),
        ended_by: None,
        ended_at: None,
    };
    let a: VetAssignment = diesel::insert_into(vet_assignments::table)
        .values(&a)
        .returning(vet_assignments::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "create", &a)?;
    Ok(a)
}

/// End an assignment (audited); the record stays.
pub fn end_assignment(
    conn: &mut DbConnection,
    actor: Option<&str>,
    id: &str,
) -> AppResult<VetAssignment> {
    let a: VetAssignment = vet_assignments::table
        .find(id)
        .select(VetAssignment::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("派驻记录", "assignment"))?;
    if a.ended_at.is_some() {
        return Err(Code::AssignmentEnded.into());
    }
    let a: VetAssignment = diesel::update(vet_assignments::table.find(id))
        .set((
            vet_assignments::ended_at.eq(Some(crate::time::now())),
            vet_assignments::ended_by.eq(actor),
        ))
        .returning(vet_assignments::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "end", &a)?;
    Ok(a)
}

/// Is `kind` the kind of an enterprise with a credit file?
pub fn is_enterprise(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::Slaughterhouse | OrgKind::Buyer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_argon2id_hashes_are_stored() {
        assert!(require_hash("Correct-Horse-9").is_err());
        assert!(require_hash("").is_err());
        let h = crate::auth::password::hash("Correct-Horse-9").unwrap();
        assert!(require_hash(&h).is_ok());
    }
}
