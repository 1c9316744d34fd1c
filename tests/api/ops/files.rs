//! Files the service creates are readable by their owner only: the SQLite database (with its WAL and
//! shared-memory files) and the folder it creates for it.

use super::*;

#[cfg(unix)]
#[test]
fn the_sqlite_file_and_the_folder_made_for_it_are_owner_only() {
    let tmp = tempfile::tempdir().expect("dir");
    // The default place: `niuyang.db` in a data folder that does not exist yet.
    let data = tmp.path().join("data");
    let mut cmd = niuyang("", &data);
    run_ok(cmd.env_remove("NIUYANG_DATABASE_URL").arg("migrate"));
    let db = data.join("niuyang.db");
    let found = format!("data folder {:o}, niuyang.db {:o}", mode(&data), mode(&db));
    assert_eq!(
        (mode(&data), mode(&db)),
        (0o700, 0o600),
        "expected data folder 700, niuyang.db 600; found {found}"
    );
    for side in ["niuyang.db-wal", "niuyang.db-shm"] {
        let p = data.join(side);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{side}");
        }
    }

    // A URL naming a file in folders that do not exist yet.
    let nested = tmp.path().join("srv").join("niuyang");
    let url = format!("sqlite://{}", nested.join("x.db").display());
    run_ok(niuyang(&url, &data).arg("migrate"));
    assert_eq!(mode(&nested), 0o700, "the folder made for the database");
    assert_eq!(mode(&nested.join("x.db")), 0o600, "the database file");

    // The service started on a fresh folder: the token key and the database are both private.
    let fresh = tmp.path().join("fresh");
    let mut service = Service::start("", &fresh, &[]);
    service.terminate();
    assert!(service.wait_exit(Duration::from_secs(60)).is_some());
    assert_eq!(mode(&fresh), 0o700);
    assert_eq!(mode(&fresh.join("niuyang.db")), 0o600);
    assert_eq!(mode(&fresh.join("jwt-secret")), 0o600);
}
