//! Accounts and official vets' assignments to slaughterhouses.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::policy::Role;
use crate::schema::{users, vet_assignments};

/// An account as stored (its JSON form, password hash included, is what the audit trail hashes; it is never
/// sent to a client: see [`UserView`]).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    /// Id.
    pub id: String,
    /// Login name, unique.
    pub username: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// Organisation.
    pub org_id: String,
    /// A disabled user cannot log in, and their tokens stop working.
    pub disabled: bool,
    /// Set for generated passwords: the user must choose their own before doing anything else.
    pub must_change_password: bool,
    /// Raised on every password change or reset: older tokens stop working.
    pub session_epoch: i32,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
}

impl crate::audit::Audited for User {
    const ENTITY: &'static str = "user";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// An account as clients see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    /// Id.
    pub id: String,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Organisation id.
    pub org_id: String,
    /// Disabled?
    pub disabled: bool,
    /// Must choose a new password before anything else?
    pub must_change_password: bool,
    /// Created (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub created_at: NaiveDateTime,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id,
            username: u.username,
            role: u.role,
            org_id: u.org_id,
            disabled: u.disabled,
            must_change_password: u.must_change_password,
            created_at: u.created_at,
        }
    }
}

/// An official vet's assignment to a slaughterhouse; ended, never deleted.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = vet_assignments)]
pub struct VetAssignment {
    /// Id.
    pub id: String,
    /// The vet (user id).
    pub vet_id: String,
    /// The slaughterhouse (organisation id).
    pub slaughterhouse_id: String,
    /// Who assigned.
    pub assigned_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub assigned_at: NaiveDateTime,
    /// Who ended it.
    pub ended_by: Option<String>,
    /// When it ended (China time).
    #[serde(with = "crate::time::china_time::option")]
    #[schema(value_type = Option<String>)]
    pub ended_at: Option<NaiveDateTime>,
}

impl crate::audit::Audited for VetAssignment {
    const ENTITY: &'static str = "vet_assignment";
    fn audit_id(&self) -> &str {
        &self.id
    }
}
