//! The harness's database: a temporary SQLite file, or a fresh PostgreSQL database when
//! `NIUYANG_TEST_POSTGRES_URL` is set (dropped at the end).

use diesel::connection::SimpleConnection;
use diesel::Connection;

pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

fn with_database(base: &str, name: &str) -> String {
    let (head, query) = base
        .split_once('?')
        .map_or((base, None), |(h, q)| (h, Some(q)));
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let path_start = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |i| i + scheme_end);
    let mut url = format!("{}/{name}", &head[..path_start]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

impl TestDb {
    pub fn new() -> TestDb {
        match std::env::var("NIUYANG_TEST_POSTGRES_URL")
            .ok()
            .filter(|s| !s.trim().is_empty())
        {
            Some(base) => {
                let name = format!("niuyang_crash_{}", uuid::Uuid::new_v4().simple());
                let mut admin =
                    diesel::pg::PgConnection::establish(&base).expect("connect to the test server");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the database");
                TestDb {
                    url: with_database(&base, &name),
                    _dir: None,
                    pg: Some((base, name)),
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = dir.path().join("crash.db").to_string_lossy().into_owned();
                TestDb {
                    url,
                    _dir: Some(dir),
                    pg: None,
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = &self.pg {
            if let Ok(mut admin) = diesel::pg::PgConnection::establish(base) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}
