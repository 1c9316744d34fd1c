//! Backup and restore on both backends: a backup taken while the service runs and writes, restored into a
//! fresh database, equal to the source table by table and row by row, with a sound audit trail; the files
//! owner-only; a non-empty target refused without `--force`; an unreadable backup refused.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::*;

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

fn lines(conn: &mut niuyang::db::DbConnection, sql: &str) -> Vec<String> {
    diesel::sql_query(sql)
        .load::<Line>(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|l| l.line)
        .collect()
}

/// Every table of the database at `url`, each row as JSON text, rows sorted: two databases with the same
/// records give the same map.
pub fn dump(url: &str) -> BTreeMap<String, Vec<String>> {
    let mut conn = niuyang::db::Manager::new(url)
        .establish()
        .expect("raw connection");
    let postgres = niuyang::db::Backend::of_url(url) == niuyang::db::Backend::Postgres;
    let tables = if postgres {
        lines(
            &mut conn,
            "SELECT tablename::text AS line FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
        )
    } else {
        lines(
            &mut conn,
            "SELECT name AS line FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' ORDER BY 1",
        )
    };
    let mut out = BTreeMap::new();
    for t in tables {
        let sql = if postgres {
            format!("SELECT row_to_json(t)::text AS line FROM \"{t}\" t")
        } else {
            let columns = lines(
                &mut conn,
                &format!("SELECT name AS line FROM pragma_table_info('{t}') ORDER BY cid"),
            );
            let columns: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
            format!(
                "SELECT json_array({}) AS line FROM \"{t}\"",
                columns.join(", ")
            )
        };
        let mut rows = lines(&mut conn, &sql);
        rows.sort();
        out.insert(t, rows);
    }
    out
}

fn count(dump: &BTreeMap<String, Vec<String>>, table: &str) -> usize {
    dump.get(table).map(Vec::len).unwrap_or(0)
}

/// Log in over HTTP; the access token.
fn login(port: u16, username: &str, password: &str) -> String {
    let body = serde_json::json!({"username": username, "password": password}).to_string();
    let (status, answer) =
        http(port, "POST", "/api/v1/auth/login", &[], Some(&body)).expect("login");
    assert_eq!(status, 200, "{answer}");
    let v: serde_json::Value = serde_json::from_str(&answer).expect("json");
    v["access_token"].as_str().expect("token").to_string()
}

/// Create a buyer organisation through the service.
fn create_shop(port: u16, token: &str, name: &str) -> u16 {
    let body = serde_json::json!({"kind": "buyer", "name": name, "district": "tianhe"}).to_string();
    let auth = format!("Bearer {token}");
    http(
        port,
        "POST",
        "/api/v1/organisations",
        &[("Authorization", &auth)],
        Some(&body),
    )
    .map(|(s, _)| s)
    .unwrap_or(0)
}

/// Wait until the sealer has sealed everything.
fn wait_sealed(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if count(&dump(url), "audit_pending") == 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the audit trail was not sealed");
}

/// A database URL for the restore: a fresh PostgreSQL database, or a SQLite file in a folder that does not
/// exist yet.
fn restore_target(dir: &Path, name: &str) -> (String, Option<TestDb>) {
    if postgres_base().is_some() {
        let db = TestDb::new();
        (db.url.clone(), Some(db))
    } else {
        let path = dir.join(name).join("niuyang.db");
        (path.to_string_lossy().into_owned(), None)
    }
}

fn verify(url: &str, data: &Path) -> serde_json::Value {
    let out = run_ok(niuyang(url, data).args(["audit", "verify"]));
    serde_json::from_str(&out).expect("report")
}

#[test]
fn a_backup_taken_while_the_service_writes_restores_record_for_record() {
    let source = TestDb::new();
    let tmp = tempfile::tempdir().expect("dir");
    let data = tmp.path().join("data");
    let demo: serde_json::Value = serde_json::from_str(&run_ok(
        niuyang(&source.url, &data).args(["demo", "--json"]),
    ))
    .expect("demo json");
    let admin = demo["accounts"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["role"] == "admin"))
        .expect("demo admin")
        .clone();
    let service = Service::start(
        &source.url,
        &data,
        &[
            ("NIUYANG_RULES_SWEEP_SECS", "0".into()),
            ("NIUYANG_VERIFY_FLUSH_SECS", "3600".into()),
        ],
    );
    let token = login(
        service.port,
        admin["username"].as_str().expect("username"),
        admin["password"].as_str().expect("password"),
    );
    // Writes through the running service: on SQLite they sit in its WAL, which a copy of the main file
    // would miss.
    for i in 0..5 {
        assert_eq!(
            create_shop(service.port, &token, &format!("备份前的店{i}")),
            201
        );
    }
    wait_sealed(&source.url);

    // The backup, while the service runs.
    let backups = tmp.path().join("backups");
    let file = backups.join("niuyang.backup");
    let report: serde_json::Value =
        serde_json::from_str(&run_ok(niuyang(&source.url, &data).args([
            "backup",
            "--to",
            file.to_str().expect("path"),
        ])))
        .expect("report");
    assert_eq!(report["file"], file.to_str().expect("path"));
    assert!(report["bytes"].as_u64().unwrap_or(0) > 0, "{report}");
    let before = dump(&source.url);
    assert_eq!(
        count(&before, "organisations"),
        demo["organisations"].as_array().map(Vec::len).unwrap_or(0) + 5
    );
    assert!(count(&before, "audit_log") > 100, "the demo's trail");
    #[cfg(unix)]
    {
        assert_eq!(mode(&file), 0o600, "the backup file");
        assert_eq!(mode(&backups), 0o700, "the folder made for it");
    }
    let left: Vec<_> = std::fs::read_dir(&backups)
        .expect("backups")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        vec!["niuyang.backup".to_string()],
        "no partial file left"
    );

    // A backup never overwrites a file.
    let again = niuyang(&source.url, &data)
        .args(["backup", "--to", file.to_str().expect("path")])
        .output()
        .expect("run");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));

    // Restore into a fresh database: every table equal, row for row; the trail sound.
    let (target, _guard) = restore_target(tmp.path(), "restored");
    let restored: serde_json::Value =
        serde_json::from_str(&run_ok(niuyang(&target, &data).args([
            "restore",
            "--from",
            file.to_str().expect("path"),
        ])))
        .expect("report");
    assert_eq!(restored["replaced_existing"], false);
    let after = dump(&target);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, rows) in &before {
        assert_eq!(
            after.get(table).map(Vec::len),
            Some(rows.len()),
            "rows of {table}"
        );
        assert!(after.get(table) == Some(rows), "the rows of {table} differ");
    }
    #[cfg(unix)]
    if postgres_base().is_none() {
        assert_eq!(mode(Path::new(&target)), 0o600, "the restored database");
        assert_eq!(
            mode(Path::new(&target).parent().expect("folder")),
            0o700,
            "the folder made for it"
        );
    }
    let report = verify(&target, &data);
    assert_eq!(report["ok"], true, "{report}");

    // The target now holds tables: refused without --force, replaced with it.
    let refused = niuyang(&target, &data)
        .args(["restore", "--from", file.to_str().expect("path")])
        .output()
        .expect("run");
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--force"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let forced: serde_json::Value = serde_json::from_str(&run_ok(niuyang(&target, &data).args([
        "restore",
        "--force",
        "--from",
        file.to_str().expect("path"),
    ])))
    .expect("report");
    assert_eq!(forced["replaced_existing"], true);
    assert_eq!(verify(&target, &data)["ok"], true);

    // An unreadable backup is refused before the target is touched.
    let target_before = dump(&target);
    let garbage = tmp.path().join("garbage.backup");
    let mut broken = std::fs::read(&file).expect("read backup");
    broken.truncate(broken.len() / 2);
    std::fs::write(&garbage, &broken).expect("write");
    let refused = niuyang(&target, &data)
        .args([
            "restore",
            "--force",
            "--from",
            garbage.to_str().expect("path"),
        ])
        .output()
        .expect("run");
    assert!(!refused.status.success(), "a truncated backup is refused");
    assert_eq!(dump(&target), target_before, "the target is untouched");
    std::fs::write(&garbage, b"not a backup at all").expect("write");
    let refused = niuyang(&target, &data)
        .args([
            "restore",
            "--force",
            "--from",
            garbage.to_str().expect("path"),
        ])
        .output()
        .expect("run");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("neither"));

    // A backup while writes keep coming is one consistent state: its trail is sound, and it holds every
    // write answered before it started.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let port = service.port;
        let token = token.clone();
        std::thread::spawn(move || {
            let mut created = 0;
            for i in 0..2_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                if create_shop(port, &token, &format!("备份中的店{i}")) == 201 {
                    created += 1;
                }
            }
            created
        })
    };
    // Let some writes land first.
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&dump(&source.url), "organisations") < count(&before, "organisations") + 10 {
        assert!(Instant::now() < deadline, "the writer did not write");
        std::thread::sleep(Duration::from_millis(50));
    }
    let floor = count(&dump(&source.url), "organisations");
    let busy_file = backups.join("under-load.backup");
    run_ok(niuyang(&source.url, &data).args(["backup", "--to", busy_file.to_str().expect("path")]));
    stop.store(true, Ordering::Relaxed);
    let created = writer.join().expect("writer");
    assert!(created >= 10);
    let (busy_target, _guard2) = restore_target(tmp.path(), "restored-under-load");
    run_ok(niuyang(&busy_target, &data).args([
        "restore",
        "--from",
        busy_file.to_str().expect("path"),
    ]));
    let copy = dump(&busy_target);
    let n = count(&copy, "organisations");
    assert!(
        n >= floor && n <= count(&before, "organisations") + created,
        "{n} organisations in the copy; at least {floor} were there when it started"
    );
    let report = verify(&busy_target, &data);
    assert_eq!(report["ok"], true, "{report}");
    drop(service);
}
