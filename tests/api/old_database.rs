//! A database written before issue 12's refactoring (the demo dataset, loaded by the binary of commit
//! dc4e908: `tests/fixtures/pre-12/`) is taken up by today's binary: it migrates, its audit chain verifies,
//! and a new entry extends the chain, which still verifies. The SQLite file is used as it is; on PostgreSQL the
//! dump (`pg_dump --inserts`) is loaded into a fresh database.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::cli::{a_change_behind_its_back_breaks_verification, niuyang};
use crate::common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pre-12");
/// Audit entries the fixture holds.
const ENTRIES: u64 = 237;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    id: String,
}

/// An empty database holding the fixture.
fn old_database() -> TestDb {
    let db = TestDb::new();
    if db.is_postgres() {
        let dump = std::fs::read_to_string(format!("{FIXTURES}/demo.pg.sql")).expect("dump");
        db.raw().batch_execute(&dump).expect("load the dump");
    } else {
        std::fs::copy(format!("{FIXTURES}/demo.sqlite"), &db.url).expect("copy the file");
    }
    db
}

fn verify(db: &TestDb, dir: &std::path::Path) -> serde_json::Value {
    let out = niuyang(db, dir)
        .args(["audit", "verify"])
        .output()
        .expect("verify");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn a_database_written_before_the_refactoring_migrates_and_its_audit_chain_verifies() {
    let db = old_database();
    let dir = scratch_dir();
    let migrated = niuyang(&db, dir.path())
        .arg("migrate")
        .output()
        .expect("migrate");
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let report = verify(&db, dir.path());
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["entries_checked"], ENTRIES, "{report}");

    // Today's binary extends the old chain.
    let shop = diesel::sql_query(
        "SELECT id FROM organisations WHERE kind = 'buyer' ORDER BY name LIMIT 1",
    )
    .get_result::<Id>(&mut db.raw())
    .expect("a buyer")
    .id;
    let created = niuyang(&db, dir.path())
        .args([
            "user",
            "create",
            "--username",
            "after.refactor",
            "--role",
            "vendor",
            "--org",
            &shop,
        ])
        .output()
        .expect("user create");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let report = verify(&db, dir.path());
    assert_eq!(report["ok"], true, "{report}");
    assert!(
        report["entries_checked"].as_u64().expect("count") > ENTRIES,
        "{report}"
    );

    // And a change behind its back is still found in the old part of the chain.
    a_change_behind_its_back_breaks_verification(&db, dir.path());
}
