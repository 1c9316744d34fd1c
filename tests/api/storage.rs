//! Storage: concurrent writers all succeed (no "database is locked"), SQLite's per-connection settings,
//! URL forms, and every migration up, down and up again.

use actix_web::http::StatusCode;
use actix_web::test as actix_test;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use niuyang::app::build_app;
use serde_json::json;

use crate::common::*;

#[actix_web::test]
async fn sixty_concurrent_writes_all_land_with_an_unbroken_audit_chain() {
    let app = TestApp::with_cast(&["demo.admin"]).await;
    let admin = app.token("demo.admin");
    let service = actix_test::init_service(build_app(app.state.clone())).await;
    let calls = (0..60).map(|i| {
        let req = request(
            actix_web::http::Method::POST,
            "/api/v1/organisations",
            Some(&admin),
            Some(json!({"kind": "buyer", "name": format!("并发测试店 {i}"), "district": "haizhu"})),
        )
        .to_request();
        actix_test::call_service(&service, req)
    });
    let responses = futures_util::future::join_all(calls).await;
    let mut created = 0;
    for res in responses {
        let r = read(res).await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        created += 1;
    }
    assert_eq!(created, 60);
    let listed = app
        .get(
            "/api/v1/organisations?kind=buyer&district=haizhu&limit=200",
            Some(&admin),
        )
        .await;
    let ours = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|o| o["name"].as_str().unwrap_or("").starts_with("并发测试店"))
        .count();
    assert_eq!(ours, 60);
    let audit = app.get("/api/v1/audit/verify", Some(&admin)).await;
    assert_eq!(audit.body["ok"], true, "{:?}", audit);
}

#[actix_web::test]
async fn two_pools_on_one_sqlite_file_wait_for_each_other() {
    // Two services on one SQLite file (two processes, say): the busy timeout makes writers queue.
    let db = TestDb::new();
    if db.is_postgres() {
        return;
    }
    let a = niuyang::db::Db::connect(&db.url, 2).expect("a");
    a.migrate().expect("migrate");
    let b = niuyang::db::Db::connect(&db.url, 2).expect("b");
    let writes = (0..50).map(|i| {
        let pool = if i % 2 == 0 { a.clone() } else { b.clone() };
        async move {
            pool.write(move |c| {
                niuyang::organisations::queries::create(
                    c,
                    None,
                    niuyang::organisations::model::OrgKind::HotlineCentre,
                    &format!("热线 {i}"),
                    None,
                )
            })
            .await
        }
    });
    let results = futures_util::future::join_all(writes).await;
    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
    let report = niuyang::audit::verify::verify_and_checkpoint(&a).expect("verify");
    assert!(report.ok, "{report:?}");
    assert_eq!(report.head_seq, 50);
}

#[derive(QueryableByName)]
struct Pragma {
    #[diesel(sql_type = Text)]
    value: String,
}

#[test]
fn sqlite_connections_are_set_up_for_a_server() {
    let db = TestDb::new();
    if db.is_postgres() {
        return;
    }
    let pool = niuyang::db::Db::connect(&format!("sqlite://{}", db.url), 2).expect("connect");
    pool.migrate().expect("migrate");
    let mut conn = db.raw();
    let mut pragma = |name: &str| -> String {
        let column = if name == "busy_timeout" {
            "timeout"
        } else {
            name
        };
        diesel::sql_query(format!(
            "SELECT CAST({column} AS TEXT) AS value FROM pragma_{name}"
        ))
        .get_result::<Pragma>(&mut conn)
        .map(|p| p.value)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    assert_eq!(pragma("journal_mode"), "wal");
    assert_eq!(pragma("foreign_keys"), "1");
    // FULL: a commit is on disk before it is acknowledged (NORMAL in WAL mode can lose it on a power loss).
    assert_eq!(pragma("synchronous"), "2", "FULL");
    // The busy timeout is the request deadline: a writer gives up when its caller has.
    assert_eq!(pragma("busy_timeout"), "10000");
    // Foreign keys are enforced.
    let bad = diesel::sql_query(
        "INSERT INTO users (id, username, password_hash, role, org_id, disabled, must_change_password,
         session_epoch, created_at, updated_at)
         VALUES ('u', 'u', 'h', 'vendor', 'no-such-org', 0, 0, 0, '2026-01-01', '2026-01-01')",
    )
    .execute(&mut conn);
    assert!(bad.is_err());
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[test]
fn every_migration_runs_up_down_and_up_again() {
    let db = TestDb::new();
    let mut conn = db.raw();
    let applied = niuyang::db::run_migrations(&mut conn).expect("up");
    assert!(!applied.is_empty());
    niuyang::db::revert_all_migrations(&mut conn).expect("down");
    let tables_sql = if db.is_postgres() {
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'organisations'"
    } else {
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'organisations'"
    };
    let n = diesel::sql_query(tables_sql)
        .get_result::<Count>(&mut conn)
        .expect("count")
        .n;
    assert_eq!(n, 0, "down removes the tables");
    let again = niuyang::db::run_migrations(&mut conn).expect("up again");
    assert_eq!(again, applied);
    let n = diesel::sql_query(tables_sql)
        .get_result::<Count>(&mut conn)
        .expect("count")
        .n;
    assert_eq!(n, 1);
}

#[test]
fn a_database_that_is_down_is_reported_as_such() {
    let err = niuyang::db::Db::connect("postgres://nobody@127.0.0.1:1/none", 1)
        .err()
        .expect("refused");
    assert!(err.to_string().contains("cannot connect"), "{err}");
}
