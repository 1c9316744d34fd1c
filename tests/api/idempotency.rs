//! `Idempotency-Key` on every create that records evidence: the same key and the same content give the
//! same record again (200, the same answer), the same key with other content 409 `idempotency_key_reused`,
//! a malformed key 400 `invalid_idempotency_key`; concurrent twins record once; a complaint's stored answer
//! never holds its access code in clear. The tests of each create are in `idempotency_creates.rs`.

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::build::*;
use crate::circulation::{buyer, confirm, lots};
use crate::common::*;
use crate::slaughter::Chain;

/// POST with an `Idempotency-Key`.
pub async fn post_keyed(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: Value,
    key: &str,
) -> Resp {
    app.send(request(Method::POST, path, token, Some(body)).insert_header(("idempotency-key", key)))
        .await
}

/// How to count the records a create makes, through the API: GET `path` as `token` and read what is at
/// `pointer`: a number as it is, a list by its length, a record as 1, nothing as 0.
pub struct Count {
    pub path: String,
    pub token: Option<String>,
    pub pointer: &'static str,
}

impl Count {
    pub fn new(path: impl Into<String>, token: &str, pointer: &'static str) -> Count {
        Count {
            path: path.into(),
            token: Some(token.to_string()),
            pointer,
        }
    }

    pub async fn read(&self, app: &TestApp) -> i64 {
        let r = app.get(&self.path, self.token.as_deref()).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {r:?}", self.path);
        match r.body.pointer(self.pointer) {
            None | Some(Value::Null) => 0,
            Some(Value::Object(_)) => 1,
            Some(Value::Array(a)) => a.len() as i64,
            Some(v) => v
                .as_i64()
                .unwrap_or_else(|| panic!("{} {}: {v} in {r:?}", self.path, self.pointer)),
        }
    }
}

/// One create to try: where it is posted, as whom, with what, other content for the same key, and how its
/// records are counted (and by how much one record moves the count).
pub struct Case {
    pub name: &'static str,
    pub path: String,
    pub token: Option<String>,
    pub body: Value,
    pub other: Value,
    pub count: Count,
    pub step: i64,
}

/// The same key twice: one record (201, then 200 with the same answer); the same key with other content:
/// 409 `idempotency_key_reused` and still one record. Returns the first answer.
pub async fn exactly_once(app: &TestApp, case: Case) -> Value {
    let name = case.name;
    let key = format!("{name}-{}", uuid::Uuid::new_v4());
    let token = case.token.as_deref();
    let before = case.count.read(app).await;
    let first = post_keyed(app, &case.path, token, case.body.clone(), &key).await;
    assert_eq!(first.status, StatusCode::CREATED, "{name}: {first:?}");
    assert_eq!(
        case.count.read(app).await,
        before + case.step,
        "{name}: recorded"
    );
    let again = post_keyed(app, &case.path, token, case.body.clone(), &key).await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "{name}, sent again: {again:?}"
    );
    assert_eq!(again.body, first.body, "{name}: the same answer again");
    assert_eq!(
        case.count.read(app).await,
        before + case.step,
        "{name}: recorded once"
    );
    let reused = post_keyed(app, &case.path, token, case.other, &key).await;
    assert_eq!(
        reused.status,
        StatusCode::CONFLICT,
        "{name}, other content: {reused:?}"
    );
    assert_eq!(reused.code(), "idempotency_key_reused", "{name}");
    assert_eq!(
        case.count.read(app).await,
        before + case.step,
        "{name}: nothing more recorded"
    );
    first.body
}

async fn total(app: &TestApp, path: &str, token: &str) -> i64 {
    let r = app.get(path, Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.body["total"].as_i64().expect("total")
}

/// What the stall board shows the holder still has of a lot.
async fn held(app: &TestApp, holder: &str, code: &str) -> i64 {
    let board = app
        .get(&format!("/api/v1/stalls/{holder}/today"), None)
        .await;
    board.body["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["trace_code"] == niuyang::lots::trace_code::display(code).as_str())
        .map(|e| e["weight_held_g"].as_i64().unwrap_or(0))
        .sum()
}

#[actix_web::test]
async fn a_retried_shipment_answers_the_shipment_recorded() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "vendor.suifeng"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, _) = lots(&c, 7000, &[100_000]).await;
    let (trader, _) = buyer(&app, "vendor.suifeng");
    let before = total(&app, "/api/v1/shipments", &c.sh).await;
    let body = json!({"buyer_id": trader, "voucher_no": "IDEM-1",
                      "lines": [{"lot_id": ids[0], "weight_g": 40_000, "unit_price_fen": 8_000}]});
    let first = post_keyed(
        &app,
        "/api/v1/shipments",
        Some(&c.sh),
        body.clone(),
        "ship-idem-0001",
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let again = post_keyed(
        &app,
        "/api/v1/shipments",
        Some(&c.sh),
        body,
        "ship-idem-0001",
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "the retry answers the shipment already recorded: {again:?}"
    );
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(total(&app, "/api/v1/shipments", &c.sh).await, before + 1);
}

#[actix_web::test]
async fn a_retried_receipt_is_issued_once() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "vendor.suifeng"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 7100, &[100_000]).await;
    let (trader, trader_token) = buyer(&app, "vendor.suifeng");
    let s = crate::circulation::ship(&app, &c.sh, &trader, "IDEM-2", &[(&ids[0], 40_000)]).await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    assert_eq!(
        confirm(&app, &trader_token, &codes[0], 40_000, None)
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(held(&app, &trader, &codes[0]).await, 40_000);
    let body = json!({"lines": [{"lot_id": ids[0], "weight_g": 5_000, "price_fen": 40_000}]});
    let first = post_keyed(
        &app,
        "/api/v1/receipts",
        Some(&trader_token),
        body.clone(),
        "receipt-idem-0001",
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let again = post_keyed(
        &app,
        "/api/v1/receipts",
        Some(&trader_token),
        body,
        "receipt-idem-0001",
    )
    .await;
    assert_eq!(
        held(&app, &trader, &codes[0]).await,
        35_000,
        "sold once; the retry answered {again:?}"
    );
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(again.body["number"], first.body["number"]);
}

#[actix_web::test]
async fn a_retried_phone_complaint_is_filed_once() {
    let app = TestApp::with_cast(&["hotline.01", "inspector.city"]).await;
    let token = app.token("hotline.01");
    let body = json!({"category": "water_injected", "description": "注水牛肉", "district": "haizhu",
                      "work_order_no": "GD12345-IDEM-1"});
    filed_once(
        &app,
        "/api/v1/hotline/complaints",
        Some(&token),
        body,
        "hotline-idem-0001",
    )
    .await;
}

/// A complaint sent twice with one key is filed once, and the retry answers 200 with the same ticket and
/// access code.
async fn filed_once(app: &TestApp, path: &str, token: Option<&str>, body: Value, key: &str) {
    let inspector = app.token("inspector.city");
    let before = total(app, "/api/v1/complaints", &inspector).await;
    let first = post_keyed(app, path, token, body.clone(), key).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let again = post_keyed(app, path, token, body, key).await;
    assert_eq!(
        total(app, "/api/v1/complaints", &inspector).await,
        before + 1,
        "filed once; the retry answered {again:?}"
    );
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(again.body["ticket_no"], first.body["ticket_no"]);
    assert_eq!(again.body["access_code"], first.body["access_code"]);
}

#[actix_web::test]
async fn retried_lots_are_made_once() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let batch = c.ready_batch(7200, 2, 200_000).await;
    let body = json!({"lots": [{"product_kind": "cuts", "product_name": "牛腩", "weight_g": 50_000, "storage": "chilled"}]});
    let path = format!("/api/v1/batches/{batch}/lots");
    let first = post_keyed(&app, &path, Some(&c.sh), body.clone(), "lots-idem-0001").await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let again = post_keyed(&app, &path, Some(&c.sh), body, "lots-idem-0001").await;
    let view = app
        .get(&format!("/api/v1/batches/{batch}"), Some(&c.sh))
        .await;
    assert_eq!(
        view.body["lots"].as_array().map(Vec::len),
        Some(1),
        "made once; the retry answered {again:?}"
    );
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
}

#[actix_web::test]
async fn a_retried_web_complaint_is_filed_once() {
    let app = TestApp::with_cast(&["inspector.city"]).await;
    let body = json!({"category": "water_injected", "description": "江南市场的牛肉注水", "district": "haizhu"});
    let key = "0b7e3c2a-5f1d-4c8e-9a6b-2d4f8e1c7a90";
    filed_once(&app, "/api/v1/complaints", None, body, key).await;
}

#[actix_web::test]
async fn malformed_keys_are_refused_and_keys_belong_to_their_caller() {
    let app = TestApp::with_cast(&[
        "hotline.01",
        "inspector.city",
        "vendor.suifeng",
        "vendor.jiangnan12",
        "sh.suibei",
        "vet.chen",
    ])
    .await;
    let token = app.token("hotline.01");
    let body = json!({"category": "other", "description": "x", "work_order_no": "GD-KEY-1"});
    for bad in ["", "   ", &"k".repeat(201), "钥匙"] {
        let r = app
            .send(
                TestRequest::post()
                    .uri("/api/v1/hotline/complaints")
                    .insert_header(("authorization", format!("Bearer {token}")))
                    .insert_header((
                        "idempotency-key",
                        actix_web::http::header::HeaderValue::from_bytes(bad.as_bytes()).unwrap(),
                    ))
                    .set_json(body.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}: {r:?}");
        assert_eq!(r.code(), "invalid_idempotency_key");
    }
    let twice = app
        .send(
            TestRequest::post()
                .uri("/api/v1/hotline/complaints")
                .insert_header(("authorization", format!("Bearer {token}")))
                .append_header(("idempotency-key", "one"))
                .append_header(("idempotency-key", "two"))
                .set_json(body.clone()),
        )
        .await;
    assert_eq!(twice.code(), "invalid_idempotency_key", "{twice:?}");
    // Without an account the scope is shared: a short key is refused.
    let short = post_keyed(
        &app,
        "/api/v1/complaints",
        None,
        json!({"category": "other", "description": "x"}),
        "short-key",
    )
    .await;
    assert_eq!(short.code(), "invalid_idempotency_key", "{short:?}");
    // Nothing was filed by any of these.
    let inspector = app.token("inspector.city");
    let filed = total(&app, "/api/v1/complaints", &inspector).await;
    // One key, two callers: two records (a key belongs to its caller).
    let (_, a) = buyer(&app, "vendor.suifeng");
    let (_, b) = buyer(&app, "vendor.jiangnan12");
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 7300, &[100_000]).await;
    for (who, token) in [("vendor.suifeng", &a), ("vendor.jiangnan12", &b)] {
        let org = app.account(who).org_id.clone();
        let s =
            crate::circulation::ship(&app, &c.sh, &org, &format!("K-{who}"), &[(&ids[0], 10_000)])
                .await;
        assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
        let r = post_keyed(
            &app,
            "/api/v1/ledger/entries",
            Some(token),
            json!({"scanned": codes[0], "weight_g": 10_000}),
            "shared-key",
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{who}: {r:?}");
    }
    assert_eq!(total(&app, "/api/v1/complaints", &inspector).await, filed);
}

/// Ten identical requests at once, with one key: one record, one 201, nine 200 with the same answer.
async fn ten_at_once(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> Vec<Resp> {
    let service = actix_web::test::init_service(niuyang::app::build_app(app.state.clone())).await;
    let key = uuid::Uuid::new_v4().to_string();
    let calls = (0..10).map(|_| {
        let mut req = TestRequest::post()
            .uri(path)
            .insert_header(("idempotency-key", key.as_str()))
            .set_json(body.clone());
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        actix_web::test::call_service(&service, req.to_request())
    });
    let mut out = Vec::new();
    for res in futures_util::future::join_all(calls).await {
        out.push(read(res).await);
    }
    let created = out
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    let replayed = out.iter().filter(|r| r.status == StatusCode::OK).count();
    assert_eq!((created, replayed), (1, 9), "{out:?}");
    assert!(
        out.iter().all(|r| r.body == out[0].body),
        "one answer for all"
    );
    out
}

#[actix_web::test]
async fn ten_identical_requests_at_once_record_once() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "vet.chen",
        "vendor.suifeng",
        "inspector.city",
        "mr.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 7400, &[100_000]).await;
    let (trader, trader_token) = buyer(&app, "vendor.suifeng");

    // A shipment, a ledger entry and a receipt, each sent ten times at once.
    let before = total(&app, "/api/v1/shipments", &c.sh).await;
    ten_at_once(
        &app,
        "/api/v1/shipments",
        Some(&c.sh),
        json!({"buyer_id": trader, "voucher_no": "TEN-1",
        "lines": [{"lot_id": ids[0], "weight_g": 50_000, "unit_price_fen": 8_000}]}),
    )
    .await;
    assert_eq!(total(&app, "/api/v1/shipments", &c.sh).await, before + 1);
    let before = total(&app, "/api/v1/ledger/entries", &trader_token).await;
    ten_at_once(
        &app,
        "/api/v1/ledger/entries",
        Some(&trader_token),
        json!({"scanned": codes[0], "weight_g": 50_000}),
    )
    .await;
    assert_eq!(
        total(&app, "/api/v1/ledger/entries", &trader_token).await,
        before + 1
    );
    let before = total(&app, "/api/v1/receipts", &trader_token).await;
    ten_at_once(
        &app,
        "/api/v1/receipts",
        Some(&trader_token),
        json!({"lines": [{"lot_id": ids[0], "weight_g": 1_000, "price_fen": 8_000}]}),
    )
    .await;
    assert_eq!(
        total(&app, "/api/v1/receipts", &trader_token).await,
        before + 1
    );
    assert_eq!(held(&app, &trader, &codes[0]).await, 49_000);
    // A complaint filed anonymously ten times at once (its answer sealed).
    let inspector = app.token("inspector.city");
    let before = total(&app, "/api/v1/complaints", &inspector).await;
    let out = ten_at_once(
        &app,
        "/api/v1/complaints",
        None,
        json!({"category": "sick_or_dead", "description": "病死牛肉"}),
    )
    .await;
    assert!(out[0].body["access_code"]
        .as_str()
        .is_some_and(|c| !c.is_empty()));
    assert_eq!(
        total(&app, "/api/v1/complaints", &inspector).await,
        before + 1
    );

    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("mr.city")))
        .await;
    assert_eq!(audit.body["ok"], true, "{audit:?}");
}

#[actix_web::test]
async fn a_stored_complaint_answer_keeps_no_access_code_in_clear() {
    let app = TestApp::empty();
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"category": "water_injected", "description": "注水", "reporter_phone": "13912345678"});
    let first = post_keyed(&app, "/api/v1/complaints", None, body.clone(), &key).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let code = first.body["access_code"]
        .as_str()
        .expect("code")
        .to_string();
    let rows: Vec<(String, String, String, String)> = {
        use diesel::prelude::*;
        use niuyang::schema::idempotency_keys as k;
        let mut conn = app.db.raw();
        k::table
            .select((k::scope, k::key_hash, k::operation, k::answer))
            .load(&mut conn)
            .expect("rows")
    };
    assert_eq!(rows.len(), 1);
    let (scope, key_hash, operation, answer) = &rows[0];
    assert_eq!(
        (scope.as_str(), operation.as_str()),
        ("anonymous", "complaint.file")
    );
    assert!(answer.starts_with("sealed:v1:"), "{answer}");
    for secret in [&code, &key] {
        assert!(!answer.contains(secret.as_str()) && !key_hash.contains(secret.as_str()));
    }
    // Sent again, the stored answer opens with the key: the same ticket and code.
    let again = post_keyed(&app, "/api/v1/complaints", None, body, &key).await;
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(again.body["access_code"], code.as_str());
    // And they work: the reporter can follow the complaint.
    let lookup = app
        .post(
            "/api/v1/public/complaints/lookup",
            None,
            json!({"ticket_no": first.body["ticket_no"], "access_code": code}),
        )
        .await;
    assert_eq!(lookup.status, StatusCode::OK, "{lookup:?}");
}

/// The hidden `submission` field of the complaint form.
fn submission_of(page: &str) -> String {
    page.split("name=\"submission\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries a submission key")
        .to_string()
}

async fn submit_form(app: &TestApp, fields: &[(&str, &str)]) -> Resp {
    app.send(TestRequest::post().uri("/complaints/new").set_form(fields))
        .await
}

#[actix_web::test]
async fn the_complaint_form_submitted_twice_files_once() {
    let app = TestApp::with_cast(&["inspector.city"]).await;
    let inspector = app.token("inspector.city");
    let before = total(&app, "/api/v1/complaints", &inspector).await;
    // Every form served has its own key, never one from the address.
    let form = app
        .get("/complaints/new?submission=chosen-by-a-link-0001", None)
        .await;
    let page = form.body.as_str().expect("html").to_string();
    let key = submission_of(&page);
    assert_ne!(key, "chosen-by-a-link-0001");
    let other = app.get("/complaints/new", None).await;
    assert_ne!(submission_of(other.body.as_str().expect("html")), key);

    let fields = [
        ("category", "water_injected"),
        ("description", "肉摊牛肉注水"),
        ("district", "haizhu"),
        ("submission", key.as_str()),
    ];
    let first = submit_form(&app, &fields).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let again = submit_form(&app, &fields).await;
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    let ticket = |r: &Resp| {
        r.body
            .as_str()
            .and_then(|p| p.split("<dd class=\"code\">").nth(1))
            .and_then(|r| r.split('<').next())
            .map(str::to_string)
    };
    assert!(ticket(&first).is_some());
    assert_eq!(
        ticket(&first),
        ticket(&again),
        "the same ticket shown again"
    );
    assert_eq!(
        total(&app, "/api/v1/complaints", &inspector).await,
        before + 1
    );
    // Back, changed, submitted with the same form key: a new report, not an error.
    let changed = [
        ("category", "water_injected"),
        ("description", "另一个摊位也注水"),
        ("district", "haizhu"),
        ("submission", key.as_str()),
    ];
    let second = submit_form(&app, &changed).await;
    assert_eq!(second.status, StatusCode::CREATED, "{second:?}");
    assert_ne!(ticket(&second), ticket(&first));
    assert_eq!(
        total(&app, "/api/v1/complaints", &inspector).await,
        before + 2
    );
}

#[actix_web::test]
async fn every_repeat_safe_create_documents_the_header() {
    let app = TestApp::empty();
    let doc = app.get("/api/openapi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let creates = [
        "/api/v1/animal-certificates",
        "/api/v1/intakes",
        "/api/v1/intakes/{id}/checks",
        "/api/v1/batches",
        "/api/v1/batches/{id}/quarantine",
        "/api/v1/batches/{id}/inspection-certificates",
        "/api/v1/batches/{id}/fees",
        "/api/v1/batches/{id}/lots",
        "/api/v1/lots/{id}/corrections",
        "/api/v1/disposals",
        "/api/v1/shipments",
        "/api/v1/ledger/entries",
        "/api/v1/lots/{id}/splits",
        "/api/v1/lots/{id}/holder-disposals",
        "/api/v1/receipts",
        "/api/v1/lots/{id}/recalls",
        "/api/v1/batches/{id}/recalls",
        "/api/v1/animal-certificates/{id}/recalls",
        "/api/v1/notifications/{id}/reports",
        "/api/v1/complaints",
        "/api/v1/hotline/complaints",
        "/api/v1/violations",
        "/api/v1/organisations/{id}/credit-events",
    ];
    for path in creates {
        let op = &doc.body["paths"][path]["post"];
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        assert!(
            params
                .iter()
                .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
            "POST {path} documents Idempotency-Key: {params:?}"
        );
        assert!(
            op["responses"]["200"].is_object(),
            "POST {path} documents the replayed 200"
        );
    }
}
