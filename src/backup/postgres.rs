//! PostgreSQL backups through `pg_dump --format=custom` and `pg_restore`, found on `PATH` and run without a
//! shell. The password leaves the URL and travels in `PGPASSWORD`, so it is not in the process list;
//! `--no-password` makes them fail rather than wait for a prompt.

use std::path::Path;
use std::process::{Command, Output};

use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// A URL without its password, and the password.
fn split_password(url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut parsed =
        url::Url::parse(url).map_err(|e| anyhow::anyhow!("the database URL is not valid: {e}"))?;
    let mut password = parsed
        .password()
        .map(|p| {
            percent_encoding::percent_decode_str(p)
                .decode_utf8()
                .map(|p| p.into_owned())
                .map_err(|_| anyhow::anyhow!("the password in the database URL is not valid UTF-8"))
        })
        .transpose()?;
    if password.is_some() {
        parsed
            .set_password(None)
            .map_err(|_| anyhow::anyhow!("the database URL has no room for a password"))?;
    }
    // `?password=` is a libpq parameter too.
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if pairs.iter().any(|(k, _)| k == "password") {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            if k == "password" {
                password = Some(v.clone());
            } else {
                query.append_pair(k, v);
            }
        }
        let query = query.finish();
        parsed.set_query(if query.is_empty() { None } else { Some(&query) });
    }
    Ok((parsed.to_string(), password))
}

/// `program` with the URL (less its password) as `--dbname` and the password in the environment.
fn command(program: &str, url: &str) -> anyhow::Result<Command> {
    let (url, password) = split_password(url)?;
    let mut cmd = Command::new(program);
    cmd.arg("--no-password").arg(format!("--dbname={url}"));
    cmd.env_remove("PGPASSWORD");
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    Ok(cmd)
}

/// Run it; an error carries its standard error.
fn run(mut cmd: Command, what: &str) -> anyhow::Result<Output> {
    let out = cmd.output().map_err(|e| {
        anyhow::anyhow!(
            "cannot run {what} (it must be on PATH, at least the server's version): {e}"
        )
    })?;
    anyhow::ensure!(
        out.status.success(),
        "{what} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(out)
}

/// `pg_dump --format=custom` of the database at `url` into `dest`, then checked with `pg_restore --list`.
pub fn backup(url: &str, dest: &Path) -> anyhow::Result<()> {
    let mut cmd = command("pg_dump", url)?;
    cmd.arg("--format=custom").arg("--file").arg(dest);
    run(cmd, "pg_dump")?;
    check_backup(dest)
}

/// `pg_restore --list` reads the archive, and it holds the audit trail.
pub fn check_backup(path: &Path) -> anyhow::Result<()> {
    let mut cmd = Command::new("pg_restore");
    cmd.arg("--list").arg(path);
    let out = run(cmd, "pg_restore --list")
        .map_err(|e| anyhow::anyhow!("the backup {} cannot be read: {e}", path.display()))?;
    let list = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(
        list.lines()
            .any(|l| l.contains("TABLE DATA") && l.contains(" audit_log ")),
        "{} is a pg_dump archive but not a Niuyang backup",
        path.display()
    );
    Ok(())
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Does the database at `url` hold any table outside PostgreSQL's own schemas?
pub fn has_tables(url: &str) -> anyhow::Result<bool> {
    let mut conn = diesel::pg::PgConnection::establish(url)
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
    let c: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_catalog.pg_tables \
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    .get_result(&mut conn)?;
    Ok(c.n > 0)
}

/// `pg_restore --clean --if-exists` of `from` into the database at `url`, in one transaction, stopping at
/// the first error (so a failed restore leaves the database as it was).
pub fn restore(url: &str, from: &Path) -> anyhow::Result<()> {
    let mut cmd = command("pg_restore", url)?;
    cmd.args([
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
    ])
    .arg(from);
    run(cmd, "pg_restore")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url() {
        let (u, p) = split_password("postgres://niu:p%40ss%2Fw@db.example:5432/niuyang").unwrap();
        assert_eq!(u, "postgres://niu@db.example:5432/niuyang");
        assert_eq!(p.as_deref(), Some("p@ss/w"));
        let (u, p) =
            split_password("postgres://niu@h/niuyang?sslmode=require&password=s3cret").unwrap();
        assert_eq!(u, "postgres://niu@h/niuyang?sslmode=require");
        assert_eq!(p.as_deref(), Some("s3cret"));
        let (u, p) = split_password("postgresql://h/db").unwrap();
        assert_eq!(u, "postgresql://h/db");
        assert_eq!(p, None);
    }
}
