//! `/metrics`: requests counted by route pattern and status, latency histograms, the pools, the audit
//! entries pending, refused without the secret; the separate listener and the background work's counters
//! through the real binary.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::connection::SimpleConnection;

use super::*;

/// A scrape: every sample by its name and labels (sorted `k="v"` pairs joined by commas), and every
/// metric's declared type.
#[derive(Debug, Default)]
pub struct Scrape {
    pub samples: HashMap<(String, String), f64>,
    pub types: HashMap<String, String>,
}

impl Scrape {
    /// Parse the Prometheus text format.
    pub fn parse(text: &str) -> Scrape {
        let mut out = Scrape::default();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let mut parts = rest.split_whitespace();
                if let (Some(name), Some(kind)) = (parts.next(), parts.next()) {
                    out.types.insert(name.to_string(), kind.to_string());
                }
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (name, labels, rest) = match line.find('{') {
                Some(open) => {
                    let (labels, after) = parse_labels(&line[open + 1..]);
                    (&line[..open], labels, after)
                }
                None => {
                    let (name, rest) = line.split_once(' ').expect("a sample line");
                    (name, Vec::new(), rest)
                }
            };
            let value: f64 = rest
                .split_whitespace()
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("no value in {line}"));
            let mut labels = labels;
            labels.sort();
            let key = labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{v}\""))
                .collect::<Vec<_>>()
                .join(",");
            out.samples.insert((name.to_string(), key), value);
        }
        out
    }

    /// The sample with exactly these labels (given in any order).
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let mut labels: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        labels.sort();
        let key = labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect::<Vec<_>>()
            .join(",");
        self.samples.get(&(name.to_string(), key)).copied()
    }

    /// Every label value of `label` among the samples of `name`.
    pub fn label_values(&self, name: &str, label: &str) -> Vec<String> {
        let prefix = format!("{label}=\"");
        self.samples
            .keys()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, l)| {
                l.split("\",")
                    .filter_map(|p| p.strip_prefix(&prefix))
                    .map(|v| v.trim_end_matches('"').to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// Labels up to the closing brace (quotes respected); returns them and the rest of the line.
fn parse_labels(s: &str) -> (Vec<(String, String)>, &str) {
    let mut labels = Vec::new();
    let mut chars = s.char_indices().peekable();
    loop {
        // name
        let mut name = String::new();
        loop {
            match chars.next() {
                Some((i, '}')) => return (labels, &s[i + 1..]),
                Some((_, '=')) => break,
                Some((_, ',')) => {}
                Some((_, c)) => name.push(c),
                None => panic!("unterminated labels in {s}"),
            }
        }
        assert_eq!(
            chars.next().map(|c| c.1),
            Some('"'),
            "a quoted value in {s}"
        );
        let mut value = String::new();
        loop {
            match chars.next() {
                Some((_, '\\')) => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c)) => value.push(c),
                    None => panic!("bad escape in {s}"),
                },
                Some((_, '"')) => break,
                Some((_, c)) => value.push(c),
                None => panic!("unterminated value in {s}"),
            }
        }
        labels.push((name.trim().to_string(), value));
    }
}

async fn scrape(app: &TestApp) -> Scrape {
    let res = app
        .send(
            TestRequest::get()
                .uri("/metrics")
                .insert_header(("Authorization", format!("Bearer {METRICS_TOKEN}"))),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let content_type = res
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    Scrape::parse(res.body.as_str().expect("text"))
}

const REQUESTS: &str = "niuyang_http_requests_total";
const LATENCY_COUNT: &str = "niuyang_http_request_duration_seconds_count";

fn requests(s: &Scrape, method: &str, route: &str, status: &str) -> f64 {
    s.get(
        REQUESTS,
        &[("method", method), ("route", route), ("status", status)],
    )
    .unwrap_or(0.0)
}

#[actix_web::test]
async fn requests_are_counted_by_route_pattern_and_status_with_the_pools_and_pending_audit() {
    let app = TestApp::with_cast(&["demo.admin"]).await;
    let admin = app.token("demo.admin");
    let org = app.account("demo.admin").org_id.clone();
    let before = scrape(&app).await;

    for _ in 0..3 {
        let r = app
            .get(&format!("/api/v1/organisations/{org}"), Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    for i in 0..2 {
        let r = app
            .get(
                &format!("/api/v1/organisations/00000000-0000-4000-8000-00000000000{i}"),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    for i in 0..4 {
        let r = app.get(&format!("/no/such/route/{i}"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let created = app
        .post(
            "/api/v1/organisations",
            Some(&admin),
            serde_json::json!({"kind": "buyer", "name": "指标测试店", "district": "tianhe"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");

    let after = scrape(&app).await;
    let moved = |method: &str, route: &str, status: &str| {
        requests(&after, method, route, status) - requests(&before, method, route, status)
    };
    assert_eq!(moved("GET", "/api/v1/organisations/{id}", "200"), 3.0);
    assert_eq!(moved("GET", "/api/v1/organisations/{id}", "404"), 2.0);
    assert_eq!(moved("GET", "unmatched", "404"), 4.0);
    assert_eq!(moved("POST", "/api/v1/organisations", "201"), 1.0);
    assert_eq!(
        after.get(
            LATENCY_COUNT,
            &[
                ("method", "GET"),
                ("route", "/api/v1/organisations/{id}"),
                ("status", "200")
            ]
        ),
        Some(3.0),
        "the latency histogram counts the same requests"
    );
    assert!(after
        .get(
            "niuyang_http_request_duration_seconds_bucket",
            &[
                ("method", "GET"),
                ("route", "/api/v1/organisations/{id}"),
                ("status", "200"),
                ("le", "+Inf")
            ]
        )
        .is_some());
    assert_eq!(
        after
            .types
            .get("niuyang_http_request_duration_seconds")
            .map(String::as_str),
        Some("histogram")
    );
    assert_eq!(
        after.types.get(REQUESTS).map(String::as_str),
        Some("counter")
    );
    // Never a raw path: no id and no unknown path among the route labels.
    for route in after.label_values(REQUESTS, "route") {
        assert!(
            route == "unmatched" || !route.contains(&org) && !route.contains("/no/such"),
            "{route}"
        );
    }

    // The pools.
    for pool in ["read", "write"] {
        assert!(
            after
                .get("niuyang_db_pool_connections", &[("pool", pool)])
                .is_some_and(|n| n >= 1.0),
            "{pool} pool connections"
        );
        assert!(after
            .get("niuyang_db_pool_idle_connections", &[("pool", pool)])
            .is_some());
    }
    assert_eq!(after.get("niuyang_db_pool_max_connections", &[]), Some(4.0));
    assert_eq!(after.get("niuyang_db_pool_waiters", &[]), Some(0.0));
    assert_eq!(after.get("niuyang_database_up", &[]), Some(1.0));
    assert_eq!(after.get("niuyang_database_storage_full", &[]), Some(0.0));
    assert_eq!(
        after.get("niuyang_audit_pending_read_failures_total", &[]),
        Some(0.0)
    );

    // The pending audit entries: nothing seals in-process, so every write of the demo and the request is
    // pending; the gauge shows the table's count, and 0 once sealed.
    let pending = app
        .state
        .db
        .read_now(|c| {
            use diesel::prelude::*;
            Ok(niuyang::schema::audit_pending::table
                .count()
                .get_result::<i64>(c)?)
        })
        .expect("count");
    assert!(pending > 0);
    assert_eq!(
        after.get("niuyang_audit_pending_entries", &[]),
        Some(pending as f64)
    );
    niuyang::audit::seal_all(&app.state.db).expect("seal");
    assert_eq!(
        scrape(&app).await.get("niuyang_audit_pending_entries", &[]),
        Some(0.0)
    );

    // Refused without the secret, or with another one.
    let anonymous = app.get("/metrics", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.code(), "unauthenticated");
    let wrong = app
        .get("/metrics", Some("test-metrics-token-0123456788"))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let user_token = app.get("/metrics", Some(&admin)).await;
    assert_eq!(
        user_token.status,
        StatusCode::UNAUTHORIZED,
        "a login token is not the secret"
    );
}

/// Scrape a running service.
fn scrape_port(port: u16, token: Option<&str>) -> (u16, Scrape) {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|a| vec![("Authorization", a)])
        .unwrap_or_default();
    let (status, body) = http(port, "GET", "/metrics", &headers, None).expect("scrape");
    (
        status,
        Scrape::parse(if status == 200 { &body } else { "" }),
    )
}

/// Poll the metrics listener until `name` reaches `at_least`.
fn wait_for(port: u16, token: &str, name: &str, at_least: f64) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, s) = scrape_port(port, Some(token));
        let v = s.get(name, &[]).unwrap_or(0.0);
        if v >= at_least {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "{name} stayed at {v}, below {at_least}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_metrics_listener_the_secret_and_the_background_work() {
    let db = TestDb::new();
    let tmp = tempfile::tempdir().expect("dir");
    let data = tmp.path().join("data");
    let token = "a-metrics-secret-for-the-test";
    let metrics_port = free_port();
    let service = Service::start(
        &db.url,
        &data,
        &[
            ("NIUYANG_METRICS_BIND", format!("127.0.0.1:{metrics_port}")),
            ("NIUYANG_METRICS_TOKEN", token.to_string()),
            ("NIUYANG_RULES_SWEEP_SECS", "1".to_string()),
        ],
    );
    // Main port and metrics listener: with the secret, and refused without it.
    for port in [service.port, metrics_port] {
        let (status, s) = scrape_port(port, Some(token));
        assert_eq!(status, 200);
        assert!(s.get("niuyang_db_pool_waiters", &[]).is_some());
        assert_eq!(scrape_port(port, None).0, 401);
    }
    let (status, _) = http(metrics_port, "GET", "/api/v1/me", &[], None).expect("other path");
    assert_eq!(status, 404, "the metrics listener serves nothing else");

    // Scheduled rules run (once at start, then every second), none fails.
    wait_for(
        metrics_port,
        token,
        "niuyang_scheduled_rule_runs_total",
        2.0,
    );
    let (_, s) = scrape_port(metrics_port, Some(token));
    assert_eq!(
        s.get("niuyang_scheduled_rule_failures_total", &[]),
        Some(0.0)
    );
    assert_eq!(s.get("niuyang_audit_seal_failures_total", &[]), Some(0.0));
    let sealed = s
        .get("niuyang_audit_sealed_entries_total", &[])
        .expect("sealed entries");
    // A write from another process is sealed by the service's sealer.
    let platform = {
        use diesel::prelude::*;
        use niuyang::schema::organisations;
        organisations::table
            .filter(organisations::kind.eq("platform_operator"))
            .select(organisations::id)
            .first::<String>(&mut db.raw())
            .expect("the platform operator")
    };
    run_ok(niuyang(&db.url, &data).args([
        "user",
        "create",
        "--username",
        "second.admin",
        "--role",
        "admin",
        "--org",
        &platform,
    ]));
    wait_for(
        metrics_port,
        token,
        "niuyang_audit_sealed_entries_total",
        sealed + 1.0,
    );
    assert!(s
        .get(
            "niuyang_scheduled_rule_violations_total",
            &[("rule", "complaint_overdue")]
        )
        .is_some());

    // Break what each needs: their failures are counted.
    let mut raw = db.raw();
    raw.batch_execute("ALTER TABLE complaints RENAME TO complaints_gone")
        .expect("rename");
    wait_for(
        metrics_port,
        token,
        "niuyang_scheduled_rule_failures_total",
        1.0,
    );
    raw.batch_execute("ALTER TABLE audit_head RENAME TO audit_head_gone")
        .expect("rename");
    wait_for(
        metrics_port,
        token,
        "niuyang_audit_seal_failures_total",
        1.0,
    );
    drop(service);

    // Without a secret the main port does not serve /metrics at all.
    let db2 = TestDb::new();
    let plain = Service::start(&db2.url, &tmp.path().join("data2"), &[]);
    let (status, body) = http(plain.port, "GET", "/metrics", &[], None).expect("scrape");
    assert_eq!(status, 404, "{body}");
}
