//! The reporter's confidentiality (food safety law art. 115): a complaint is filed with a distinctive name
//! and phone number, which are then searched for in every answer of every role to every GET route of the
//! service, in the public follow-up and pages, in the audit trail and the exports, and in the service's own
//! log output. Only the officer assigned sees them, on the complaint itself, and each such view is audited.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::build::*;
use crate::cli::{http_as, niuyang, Server};
use crate::common::*;
use crate::complaints::{phoned_in, NAME, PHONE};

fn found(text: &str) -> bool {
    text.contains(PHONE) || text.contains(NAME)
}

/// Fill a route's path parameters with ids of records that exist, chosen by the route.
fn fill(path: &str, ids: &Ids) -> String {
    let first = path.split('/').nth(3).unwrap_or("");
    path.split('/')
        .map(|seg| match seg {
            "{id}" => match first {
                "complaints" => ids.complaint.clone(),
                "organisations" | "buyers" | "stalls" => ids.stall.clone(),
                "slaughterhouses" => ids.house.clone(),
                "lots" => ids.lot.clone(),
                "users" => ids.officer.clone(),
                _ => ids.complaint.clone(),
            },
            "{code}" => ids.code.clone(),
            s if s.starts_with('{') => ids.complaint.clone(),
            s => s.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

struct Ids {
    complaint: String,
    stall: String,
    house: String,
    lot: String,
    code: String,
    officer: String,
}

#[actix_web::test]
async fn the_reporter_is_seen_only_by_the_officer_assigned_in_every_answer_of_every_role() {
    let app = TestApp::with_cast(&[crate::complaints::CAST, MATRIX_CAST].concat()).await;
    let filed = phoned_in(&app, "W-CONFIDENTIAL").await;
    let id = filed["id"].as_str().expect("id").to_string();
    let ticket = filed["ticket_no"].as_str().expect("ticket").to_string();
    let code = filed["access_code"].as_str().expect("code").to_string();
    assert!(
        !found(&filed.to_string()),
        "the filing answer echoes nothing: {filed}"
    );
    let officer = app.account("inspector.haizhu").user_id.clone();
    let step = |who: &'static str, step: &'static str, body: Value| {
        let app = &app;
        let id = id.clone();
        async move {
            let r = app
                .post(
                    &format!("/api/v1/complaints/{id}/{step}"),
                    Some(&app.token(who)),
                    body,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{step}: {r:?}");
            assert!(!found(&r.body.to_string()), "{step} answer: {r:?}");
        }
    };
    step("hotline.01", "dispatch", json!({"officer_id": officer})).await;
    step("inspector.haizhu", "investigate", json!({})).await;
    step(
        "inspector.haizhu",
        "conclude",
        json!({"substantiated": true, "finding": "属实", "reply": "属实"}),
    )
    .await;
    step("mr.haizhu", "reward", json!({"amount_fen": 20_000})).await;
    let claim = app
        .post(
            "/api/v1/public/complaints/claim",
            None,
            json!({"ticket_no": ticket, "access_code": code, "name": NAME, "phone": PHONE}),
        )
        .await;
    assert_eq!(claim.status, StatusCode::OK, "{claim:?}");
    assert!(!found(&claim.body.to_string()), "{claim:?}");

    // Masked for everyone else, in full for the officer assigned.
    let masked = app
        .get(
            &format!("/api/v1/complaints/{id}"),
            Some(&app.token("mr.haizhu")),
        )
        .await;
    assert_eq!(masked.body["reporter_phone"], "139****4321", "{masked:?}");
    assert_eq!(masked.body["reporter_name"], "欧***");
    assert_eq!(masked.body["reporter_unmasked"], false);
    assert_eq!(masked.body["moves"][5]["claimant_phone"], "139****4321");
    let full = app
        .get(
            &format!("/api/v1/complaints/{id}"),
            Some(&app.token("inspector.haizhu")),
        )
        .await;
    assert_eq!(full.body["reporter_phone"], PHONE, "{full:?}");
    assert_eq!(full.body["reporter_name"], NAME);
    assert_eq!(full.body["reporter_unmasked"], true);

    // Every GET route, as an account of every role (city and district) and anonymously.
    let made = app.chain(SUIBEI).lots(&[10_000]).make().await;
    let (lot, lot_code) = (made.lots[0].id.clone(), made.lots[0].code.clone());
    let ids = Ids {
        complaint: id.clone(),
        stall: app.account("vendor.jiangnan12").org_id.clone(),
        house: app.org_id(SUIBEI),
        lot,
        code: lot_code,
        officer: officer.clone(),
    };
    let api = app.get("/api/openapi.json", None).await;
    let mut routes: Vec<String> = api.body["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter(|(_, item)| item.get("get").is_some())
        .map(|(p, _)| p.clone())
        .collect();
    routes.sort();
    assert!(routes.len() > 30, "{routes:?}");
    let mut callers: Vec<Option<Account>> = app.accounts.values().cloned().map(Some).collect();
    callers.push(None);
    let (mut calls, mut full_views) = (0, 0);
    for caller in &callers {
        for route in &routes {
            let path = fill(route, &ids);
            let mut req = TestRequest::get().uri(&path);
            if let Some(a) = caller {
                req = req.insert_header(("authorization", format!("Bearer {}", a.token)));
            }
            let r = app.send(req).await;
            calls += 1;
            let text = match &r.body {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if found(&text) {
                let who = caller
                    .as_ref()
                    .map(|a| a.username.as_str())
                    .unwrap_or("anonymous");
                assert!(
                    who == "inspector.haizhu" && route == "/api/v1/complaints/{id}",
                    "{who} saw the reporter at {path}"
                );
                full_views += 1;
            }
        }
    }
    assert!(calls > 500, "{calls}");
    assert_eq!(full_views, 1, "the officer's own view, once");

    // The public follow-up and pages.
    let seen = app
        .post(
            "/api/v1/public/complaints/lookup",
            None,
            json!({"ticket_no": ticket, "access_code": code}),
        )
        .await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!found(&seen.body.to_string()));
    let page = app
        .send(TestRequest::post().uri("/complaints/status").set_form([
            ("ticket_no", ticket.as_str()),
            ("access_code", code.as_str()),
        ]))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{page:?}");
    assert!(!found(page.body.as_str().unwrap_or("")));

    // Each full view is in the audit trail (the officer's two views), and the trail holds no reporter data.
    niuyang::audit::seal_all(&app.state.db).expect("seal");
    let (views, trail): (i64, Vec<(String, String, String, String)>) = app
        .state
        .db
        .read_now(|c| {
            use niuyang::schema::audit_log as a;
            let views = a::table
                .filter(a::action.eq("view_reporter"))
                .filter(a::entity_id.eq(&id))
                .filter(a::actor_id.eq(&officer))
                .count()
                .get_result(c)?;
            let trail = a::table
                .select((a::action, a::entity, a::entity_id, a::content_hash))
                .load(c)?;
            Ok((views, trail))
        })
        .expect("audit");
    assert_eq!(views, 2);
    assert!(!found(&format!("{trail:?}")));
    // Exports: the audit verification report and the violations CSV (which holds the violation the
    // substantiated complaint opened). The GET sweep above called them too; here each is read whole.
    for who in ["sr.city", "mr.city", "demo.admin"] {
        let r = app.get("/api/v1/audit/verify", Some(&app.token(who))).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body["first_broken"], Value::Null, "{r:?}");
        assert!(!found(&r.body.to_string()));
    }
    for who in [
        "inspector.haizhu",
        "inspector.city",
        "mr.city",
        "vendor.jiangnan12",
    ] {
        let r = app
            .get("/api/v1/violations/export.csv", Some(&app.token(who)))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {r:?}");
        let csv = r.body.as_str().unwrap_or("");
        assert!(
            csv.contains("complaint_"),
            "{who}: the complaint's violation is exported"
        );
        assert!(!found(csv), "{who}");
    }
}

/// The service's own log output, at debug level, while a complaint is filed, dispatched and read in full.
#[test]
fn the_reporter_never_reaches_the_log() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let out = niuyang(&db, dir.path())
        .args(["demo", "--json"])
        .output()
        .expect("demo");
    assert!(out.status.success());
    let demo: Value = serde_json::from_slice(&out.stdout).expect("json");
    let password = |who: &str| {
        demo["accounts"]
            .as_array()
            .expect("accounts")
            .iter()
            .find(|a| a["username"] == who)
            .and_then(|a| a["password"].as_str())
            .expect("account")
            .to_string()
    };
    let server = Server::start_logging(&db, dir.path(), "debug");
    let port = server.port;
    let login = |who: &str| {
        let body = json!({"username": who, "password": password(who)}).to_string();
        let (status, text) =
            http_as(port, "POST", "/api/v1/auth/login", Some(&body), None).expect("login");
        assert_eq!(status, 200, "{text}");
        let v: Value = serde_json::from_str(&text).expect("json");
        v["access_token"].as_str().expect("token").to_string()
    };
    let hotline = login("hotline.01");
    let body = json!({"category": "sick_or_dead", "description": "病死羊肉", "district": "haizhu",
                      "reporter_name": NAME, "reporter_phone": PHONE, "work_order_no": "W-LOG"})
    .to_string();
    let (status, text) = http_as(
        port,
        "POST",
        "/api/v1/hotline/complaints",
        Some(&body),
        Some(&hotline),
    )
    .expect("file");
    assert_eq!(status, 201, "{text}");
    let filed: Value = serde_json::from_str(&text).expect("json");
    let id = filed["id"].as_str().expect("id");
    let officers: Value = serde_json::from_str(
        &http_as(
            port,
            "GET",
            &format!("/api/v1/complaints/{id}/officers"),
            None,
            Some(&hotline),
        )
        .expect("officers")
        .1,
    )
    .expect("json");
    let officer = officers
        .as_array()
        .expect("list")
        .iter()
        .find(|o| o["username"] == "inspector.haizhu")
        .expect("officer")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let body = json!({"officer_id": officer}).to_string();
    let (status, _) = http_as(
        port,
        "POST",
        &format!("/api/v1/complaints/{id}/dispatch"),
        Some(&body),
        Some(&hotline),
    )
    .expect("dispatch");
    assert_eq!(status, 200);
    let inspector = login("inspector.haizhu");
    let (status, text) = http_as(
        port,
        "GET",
        &format!("/api/v1/complaints/{id}"),
        None,
        Some(&inspector),
    )
    .expect("read");
    assert_eq!(status, 200);
    assert!(text.contains(PHONE), "the officer sees it: {text}");
    let (stdout, stderr) = server.stop();
    assert!(
        stderr.contains("/api/v1/hotline/complaints"),
        "requests are logged: {stderr}"
    );
    assert!(!found(&stdout) && !found(&stderr), "{stdout}\n{stderr}");
}
