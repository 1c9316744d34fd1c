//! `Idempotency-Key` on every create that records evidence: the same key and the same content give the
//! same record again (200), the same key with other content 409 `idempotency_key_reused`, a malformed key
//! 400 `invalid_idempotency_key`; concurrent twins record once.

use actix_web::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::circulation::{buyer, confirm, lots};
use crate::common::*;
use crate::slaughter::Chain;

const SUIBEI: &str = "广州市穗北牛羊定点屠宰场";

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
    let app = TestApp::with_demo();
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
    let app = TestApp::with_demo();
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
    let app = TestApp::with_demo();
    let token = app.token("hotline.01");
    let inspector = app.token("inspector.city");
    let before = total(&app, "/api/v1/complaints", &inspector).await;
    let body = json!({"category": "water_injected", "description": "注水牛肉", "district": "haizhu",
                      "work_order_no": "GD12345-IDEM-1"});
    let first = post_keyed(
        &app,
        "/api/v1/hotline/complaints",
        Some(&token),
        body.clone(),
        "hotline-idem-0001",
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let again = post_keyed(
        &app,
        "/api/v1/hotline/complaints",
        Some(&token),
        body,
        "hotline-idem-0001",
    )
    .await;
    assert_eq!(
        total(&app, "/api/v1/complaints", &inspector).await,
        before + 1,
        "filed once; the retry answered {again:?}"
    );
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(again.body["ticket_no"], first.body["ticket_no"]);
    assert_eq!(again.body["access_code"], first.body["access_code"]);
}

#[actix_web::test]
async fn retried_lots_are_made_once() {
    let app = TestApp::with_demo();
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
    let app = TestApp::with_demo();
    let inspector = app.token("inspector.city");
    let before = total(&app, "/api/v1/complaints", &inspector).await;
    let body = json!({"category": "water_injected", "description": "江南市场的牛肉注水", "district": "haizhu"});
    let key = "0b7e3c2a-5f1d-4c8e-9a6b-2d4f8e1c7a90";
    let first = post_keyed(&app, "/api/v1/complaints", None, body.clone(), key).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let again = post_keyed(&app, "/api/v1/complaints", None, body, key).await;
    assert_eq!(
        total(&app, "/api/v1/complaints", &inspector).await,
        before + 1,
        "filed once; the retry answered {again:?}"
    );
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(again.body["ticket_no"], first.body["ticket_no"]);
    assert_eq!(again.body["access_code"], first.body["access_code"]);
}
