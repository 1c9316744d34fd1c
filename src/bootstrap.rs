//! Opening the database (connect and migrate) and the first start: the platform operator's organisation and
//! the `admin` account.

use diesel::prelude::*;

use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::organisations::model::OrgKind;
use crate::policy::Role;
use crate::schema::users;
use crate::users::queries::{self, NewUser};

/// Create the `admin` account when no admin exists. Its password is `configured`, or a random one printed
/// once on standard output (never into the log stream) that must be changed at first login. Returns
/// whether an account was created.
pub fn ensure_admin(db: &Db, configured: Option<&str>) -> AppResult<bool> {
    if let Some(p) = configured {
        crate::auth::password::check_new(p).map_err(|e| {
            AppError::Internal(anyhow::anyhow!(
                "NIUYANG_ADMIN_PASSWORD does not meet the password rule: {}",
                e.problem().detail_en
            ))
        })?;
    }
    let generated = configured.is_none();
    let password = match configured {
        Some(p) => p.to_string(),
        None => crate::auth::password::generate(),
    };
    // Hashed before the write, not while holding the connection.
    let hash = crate::auth::password::hash(&password)?;
    let created = db.write_now(|conn| {
        let admins: i64 = users::table
            .filter(users::role.eq(Role::Admin))
            .count()
            .get_result(conn)?;
        if admins > 0 {
            return Ok(false);
        }
        let org = crate::organisations::queries::create(
            conn,
            None,
            OrgKind::PlatformOperator,
            "牛羊追溯平台运营方",
            None,
        )?;
        queries::create(
            conn,
            None,
            NewUser {
                username: "admin",
                password_hash: &hash,
                role: Role::Admin,
                org_id: &org.id,
                must_change_password: generated,
            },
        )?;
        Ok(true)
    })?;
    if created {
        crate::audit::seal_all(db)?;
        tracing::info!("created the admin account");
        if generated {
            println!("首次启动：已创建管理员账户 admin，一次性密码 / first start: created account admin, one-time password: {password}");
            println!(
                "请登录后立即修改密码 / log in and change it at once (POST /api/v1/auth/password)"
            );
        }
    }
    Ok(created)
}

/// Connect to the configured database and apply pending migrations.
pub fn open_db(settings: &crate::config::DatabaseSettings) -> anyhow::Result<Db> {
    migrated(Db::connect_with(&settings.url(), &settings.options())?)
}

/// Open the database for a one-shot command (no idle connections kept), migrating it.
pub fn open_db_once(settings: &crate::config::DatabaseSettings) -> anyhow::Result<Db> {
    migrated(Db::connect_once_with(&settings.url(), &settings.options())?)
}

fn migrated(db: Db) -> anyhow::Result<Db> {
    let applied = db.migrate()?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    Ok(db)
}
