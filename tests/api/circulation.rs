//! Circulation: shipments and their refusals, the purchase ledger filled by scanning, idempotency, mass
//! balance under concurrent confirmations, recall, and scoped access with another buyer's ids.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::connection::SimpleConnection;
use serde_json::{json, Value};

use crate::build::*;
use crate::common::*;
use crate::scope::{get, post, row, run_matrix, BuildOf};
use crate::slaughter::Chain;

pub fn buyer(app: &TestApp, username: &str) -> (String, String) {
    let a = app.account(username);
    (a.org_id.clone(), a.token.clone())
}

pub async fn ship(
    app: &TestApp,
    token: &str,
    buyer_id: &str,
    voucher: &str,
    lines: &[(&str, i64)],
) -> Resp {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(lot, w)| json!({"lot_id": lot, "weight_g": w, "unit_price_fen": 8_000}))
        .collect();
    app.post(
        "/api/v1/shipments",
        Some(token),
        json!({"buyer_id": buyer_id, "voucher_no": voucher, "lines": lines}),
    )
    .await
}

pub async fn confirm(
    app: &TestApp,
    token: &str,
    scanned: &str,
    weight_g: i64,
    key: Option<&str>,
) -> Resp {
    let mut req = request(
        actix_web::http::Method::POST,
        "/api/v1/ledger/entries",
        Some(token),
        Some(json!({"scanned": scanned, "weight_g": weight_g})),
    );
    if let Some(k) = key {
        req = req.insert_header(("idempotency-key", k));
    }
    app.send(req).await
}

/// A batch at 穗北 with lots of the given weights; returns (lot ids, trace codes).
pub async fn lots(c: &Chain<'_>, tag_from: u32, weights: &[i64]) -> (Vec<String>, Vec<String>) {
    let total: i64 = weights.iter().sum();
    let batch = c.ready_batch(tag_from, 2, total).await;
    let made = c.lots(&batch, weights).await;
    assert_eq!(made.status, StatusCode::CREATED, "{made:?}");
    let arr = made.body.as_array().expect("lots").clone();
    (
        arr.iter()
            .map(|l| l["id"].as_str().expect("id").to_string())
            .collect(),
        arr.iter()
            .map(|l| l["trace_code"].as_str().expect("code").to_string())
            .collect(),
    )
}

#[actix_web::test]
async fn story_2_a_vendor_scans_what_arrived_over_two_hops() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "vet.chen",
        "vendor.suifeng",
        "vendor.jiangnan12",
        "mr.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 3000, &[200_000, 100_000]).await;
    let (trader, trader_token) = buyer(&app, "vendor.suifeng");
    let (stall, stall_token) = buyer(&app, "vendor.jiangnan12");

    let s = ship(&app, &c.sh, &trader, "JY-3000", &[(&ids[0], 200_000)]).await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    // The trader scans the label: the full address, as a phone's reader gives it.
    let url = format!("http://127.0.0.1:8080/t/{}", codes[0]);
    let scan = app
        .post(
            "/api/v1/ledger/scan",
            Some(&trader_token),
            json!({"scanned": url}),
        )
        .await;
    assert_eq!(scan.status, StatusCode::OK, "{scan:?}");
    assert_eq!(scan.body["supplier_name"], SUIBEI);
    assert_eq!(scan.body["weight_pending_g"], 200_000);
    assert_eq!(scan.body["product_name"], "牛腩");
    assert_eq!(scan.body["halal"], false);
    assert!(scan.body["product_certificate_no"]
        .as_str()
        .is_some_and(|s| s.starts_with("PB-")));
    assert!(scan.body["inspection_certificate_no"]
        .as_str()
        .is_some_and(|s| s.starts_with("JY-")));
    assert_eq!(scan.body["voucher_no"], "JY-3000");
    let entry = confirm(&app, &trader_token, &url, 200_000, None).await;
    assert_eq!(entry.status, StatusCode::CREATED, "{entry:?}");
    assert_eq!(entry.body["supplier_id"], c.house.as_str());

    // Onward to a market stall, out of what the trader holds only.
    let too_much = ship(&app, &trader_token, &stall, "SF-1", &[(&ids[0], 200_001)]).await;
    assert_eq!(too_much.code(), "exceeds_available_weight");
    let onward = ship(&app, &trader_token, &stall, "SF-1", &[(&ids[0], 50_000)]).await;
    assert_eq!(onward.status, StatusCode::CREATED, "{onward:?}");
    // The stall scans the bare code, typed with hyphens in lower case.
    let typed = format!("{}-{}-{}", &codes[0][..4], &codes[0][4..8], &codes[0][8..]).to_lowercase();
    let scan = app
        .post(
            "/api/v1/ledger/scan",
            Some(&stall_token),
            json!({"scanned": typed}),
        )
        .await;
    assert_eq!(scan.status, StatusCode::OK, "{scan:?}");
    assert_eq!(scan.body["supplier_id"], trader.as_str());
    assert_eq!(scan.body["weight_pending_g"], 50_000);
    // The same confirmation twice with one Idempotency-Key is recorded once.
    let first = confirm(&app, &stall_token, &codes[0], 30_000, Some("stall-0001")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let again = confirm(&app, &stall_token, &codes[0], 30_000, Some("stall-0001")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["id"], first.body["id"]);
    let reused = confirm(&app, &stall_token, &codes[0], 10_000, Some("stall-0001")).await;
    assert_eq!(reused.code(), "idempotency_key_reused");
    let ledger = app.get("/api/v1/ledger/entries", Some(&stall_token)).await;
    let of_this_lot = ledger.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["lot_id"] == ids[0].as_str())
        .count();
    assert_eq!(of_this_lot, 1);
    // 20,000 g are still pending; more is refused.
    assert_eq!(
        confirm(&app, &stall_token, &codes[0], 20_001, None)
            .await
            .code(),
        "exceeds_shipped_weight"
    );
    assert_eq!(
        confirm(&app, &stall_token, &codes[0], 20_000, None)
            .await
            .status,
        StatusCode::CREATED
    );

    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("mr.city")))
        .await;
    assert_eq!(audit.body["ok"], true, "{audit:?}");
}

#[actix_web::test]
async fn ledger_refusals_tell_a_mistyped_code_from_an_unknown_one() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "vet.chen",
        "vendor.lanzhou",
        "vendor.jiangnan12",
        "inspector.city",
        "mr.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 3100, &[100_000, 100_000, 100_000]).await;
    let (restaurant, restaurant_token) = buyer(&app, "vendor.lanzhou");
    let (_, stall_token) = buyer(&app, "vendor.jiangnan12");
    let scan = |token: String, s: String| {
        let app = &app;
        async move {
            app.post("/api/v1/ledger/scan", Some(&token), json!({"scanned": s}))
                .await
        }
    };

    // One wrong character: the check character catches it.
    let mut wrong: Vec<char> = codes[0].chars().collect();
    wrong[3] = if wrong[3] == 'A' { 'B' } else { 'A' };
    let mistyped = scan(stall_token.clone(), wrong.iter().collect()).await;
    assert_eq!(mistyped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(mistyped.code(), "mistyped_code");
    assert!(mistyped.body["detail_en"]
        .as_str()
        .unwrap_or("")
        .contains("check character"));
    let unknown = scan(stall_token.clone(), niuyang::lots::trace_code::generate()).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "unknown_code");
    assert_eq!(
        scan(stall_token.clone(), "ABC".into()).await.code(),
        "invalid_code"
    );
    // Never shipped to this buyer.
    let never = scan(stall_token.clone(), codes[0].clone()).await;
    assert_eq!(never.code(), "not_shipped_to_buyer");

    // A restaurant records the document check (art. 八).
    ship(&app, &c.sh, &restaurant, "JY-3100", &[(&ids[0], 50_000)]).await;
    let unchecked = confirm(&app, &restaurant_token, &codes[0], 50_000, None).await;
    assert_eq!(unchecked.code(), "document_check_required");
    let checked = app
        .post(
            "/api/v1/ledger/entries",
            Some(&restaurant_token),
            json!({"scanned": codes[0], "weight_g": 50_000, "document_check": true, "document_note": "票据齐全"}),
        )
        .await;
    assert_eq!(checked.status, StatusCode::CREATED, "{checked:?}");
    assert_eq!(checked.body["document_check"], true);

    // Recalled and disposed lots.
    ship(&app, &c.sh, &restaurant, "JY-3101", &[(&ids[1], 50_000)]).await;
    let recall = app
        .post(
            &format!("/api/v1/lots/{}/recalls", ids[1]),
            Some(&app.token("inspector.city")),
            json!({"reason": "抽检不合格"}),
        )
        .await;
    assert_eq!(recall.status, StatusCode::CREATED, "{recall:?}");
    assert_eq!(
        scan(restaurant_token.clone(), codes[1].clone())
            .await
            .code(),
        "lot_recalled"
    );
    let read = app
        .get(&format!("/api/v1/lots/{}", ids[1]), Some(&c.sh))
        .await;
    assert_eq!(read.body["status"], "recalled");
    let vet = app.account("vet.chen").user_id.clone();
    app.post(
        "/api/v1/disposals",
        Some(&c.sh),
        json!({"target": "lot", "lot_id": ids[2], "reason": "spoilage", "method": "incineration",
               "weight_g": 100_000, "handler": "厂内", "supervising_vet_id": vet}),
    )
    .await;
    assert_eq!(
        scan(restaurant_token.clone(), codes[2].clone())
            .await
            .code(),
        "lot_disposed"
    );

    // Recording a recalled lot is an attempt, recorded against the buyer.
    let attempt = app
        .post(
            "/api/v1/ledger/entries",
            Some(&restaurant_token),
            json!({"scanned": codes[1], "weight_g": 1, "document_check": true}),
        )
        .await;
    assert_eq!(attempt.code(), "lot_recalled");
    let v = app
        .get(
            "/api/v1/violations?rule=lot_recalled",
            Some(&app.token("mr.city")),
        )
        .await;
    assert_eq!(v.body["items"].as_array().map(Vec::len), Some(1), "{v:?}");
    assert_eq!(v.body["items"][0]["subject_org_id"], restaurant.as_str());
}

#[actix_web::test]
async fn shipments_are_refused_with_their_own_codes_and_leave_attempts() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "vendor.suifeng", "sr.city"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, _) = lots(&c, 3200, &[100_000, 100_000, 100_000]).await;
    let (trader, _) = buyer(&app, "vendor.suifeng");

    assert_eq!(
        ship(&app, &c.sh, &trader, "X-1", &[(&ids[0], 100_001)])
            .await
            .code(),
        "exceeds_available_weight"
    );
    // A price per kilogram the trade cannot mean (i64::MAX was accepted).
    let absurd = app
        .post(
            "/api/v1/shipments",
            Some(&c.sh),
            json!({"buyer_id": trader, "voucher_no": "X-0",
                   "lines": [{"lot_id": ids[0], "weight_g": 1, "unit_price_fen": i64::MAX}]}),
        )
        .await;
    assert_eq!(absurd.code(), "invalid_quantity", "{absurd:?}");
    assert_eq!(
        ship(&app, &c.sh, &trader, "X-2", &[(&ids[0], 60_000)])
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        ship(&app, &c.sh, &trader, "X-3", &[(&ids[0], 40_001)])
            .await
            .code(),
        "exceeds_available_weight"
    );
    assert_eq!(
        ship(&app, &c.sh, &trader, "X-2", &[(&ids[0], 1)])
            .await
            .code(),
        "voucher_no_taken"
    );
    let unregistered = ship(
        &app,
        &c.sh,
        &app.org_id("广州市农业农村局"),
        "X-4",
        &[(&ids[0], 1)],
    )
    .await;
    assert_eq!(unregistered.code(), "buyer_not_registered");

    // A lapsed product certificate (its last day moved into the past behind the service's back).
    c.app
        .db
        .raw()
        .batch_execute(&format!(
            "UPDATE product_certificates SET valid_until = '2020-01-01' WHERE id = (SELECT product_certificate_id FROM lots WHERE id = '{}')",
            ids[1]
        ))
        .expect("lapse");
    assert_eq!(
        ship(&app, &c.sh, &trader, "X-5", &[(&ids[1], 1)])
            .await
            .code(),
        "product_certificate_lapsed"
    );

    // A failed head with no disposal record holds back every lot of its batch.
    let t: Vec<String> = (0..2).map(|i| format!("2441803{:08}", 3300 + i)).collect();
    c.certificate("F-1", "animal_b", "cattle", 2, &t, 0).await;
    let intake = c.intake("F-1", "cattle", 2, 0, &t).await;
    let intake = intake.body["id"].as_str().expect("id").to_string();
    c.check(&intake).await;
    let b = c.batch("F-B", "cattle", false, &[(&intake, 2)]).await;
    let batch = b.body["id"].as_str().expect("id").to_string();
    c.quarantine(&batch, 1, 1, "PB-F").await;
    c.inspect(&batch, "JY-F", 100_000, true).await;
    let l = c.lots(&batch, &[100_000]).await;
    let failed_lot = l.body[0]["id"].as_str().expect("id").to_string();
    assert_eq!(
        ship(&app, &c.sh, &trader, "X-6", &[(&failed_lot, 1)])
            .await
            .code(),
        "failed_heads_not_disposed"
    );

    // Recalled.
    app.post(
        &format!("/api/v1/lots/{}/recalls", ids[2]),
        Some(&app.token("sr.city")),
        json!({"reason": "召回"}),
    )
    .await;
    assert_eq!(
        ship(&app, &c.sh, &trader, "X-7", &[(&ids[2], 1)])
            .await
            .code(),
        "lot_recalled"
    );

    // Not in the network: suspended.
    app.post(
        &format!("/api/v1/slaughterhouses/{}/status-changes", c.house),
        Some(&app.token("sr.city")),
        json!({"action": "suspend", "reason": "停业整改"}),
    )
    .await;
    let out = ship(&app, &c.sh, &trader, "X-8", &[(&ids[0], 1)]).await;
    assert_eq!(out.code(), "not_in_network", "{out:?}");
    assert!(out.body["detail"].as_str().unwrap_or("").contains("暂停"));

    for rule in [
        "exceeds_available_weight",
        "product_certificate_lapsed",
        "failed_heads_not_disposed",
        "lot_recalled",
        "not_in_network",
    ] {
        let v = app
            .get(
                &format!("/api/v1/violations?rule={rule}&source=attempt"),
                Some(&app.token("sr.city")),
            )
            .await;
        assert!(
            v.body["items"].as_array().is_some_and(|a| !a.is_empty()),
            "{rule}: {v:?}"
        );
        assert_eq!(v.body["items"][0]["subject_org_id"], c.house.as_str());
        assert_eq!(v.body["items"][0]["records"][0]["entity"], "lot");
    }
    assert_eq!(
        app.get(
            "/api/v1/violations?rule=exceeds_available_weight",
            Some(&app.token("sr.city"))
        )
        .await
        .body["items"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[actix_web::test]
async fn twenty_concurrent_confirmations_never_over_record() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "vendor.suifeng"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 3400, &[100_000]).await;
    let (trader, trader_token) = buyer(&app, "vendor.suifeng");
    assert_eq!(
        ship(&app, &c.sh, &trader, "C-1", &[(&ids[0], 100_000)])
            .await
            .status,
        StatusCode::CREATED
    );

    let service = actix_web::test::init_service(niuyang::app::build_app(app.state.clone())).await;
    let calls = (0..20).map(|_| {
        let req = TestRequest::post()
            .uri("/api/v1/ledger/entries")
            .insert_header(("authorization", format!("Bearer {trader_token}")))
            .set_json(json!({"scanned": codes[0], "weight_g": 10_000}))
            .to_request();
        actix_web::test::call_service(&service, req)
    });
    let mut created = 0;
    let mut refused = 0;
    for res in futures_util::future::join_all(calls).await {
        let r = read(res).await;
        match r.status {
            StatusCode::CREATED => created += 1,
            StatusCode::UNPROCESSABLE_ENTITY if r.code() == "exceeds_shipped_weight" => {
                refused += 1
            }
            other => panic!("unexpected {other}: {r:?}"),
        }
    }
    assert_eq!((created, refused), (10, 10));
    let ledger = app
        .get("/api/v1/ledger/entries?limit=200", Some(&trader_token))
        .await;
    let total: i64 = ledger.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["lot_id"] == ids[0].as_str())
        .map(|e| e["weight_g"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(total, 100_000, "recorded never exceeds shipped");
}

#[actix_web::test]
async fn buyers_are_registered_by_the_circulation_administration() {
    let app = TestApp::with_cast(&[
        "mr.haizhu",
        "sr.city",
        "vendor.suifeng",
        "vendor.crv",
        "vendor.jiangnan12",
        "vendor.shiqiao8",
        "vendor.xiguan",
        "vendor.lanzhou",
        "vendor.canteen",
        "vendor.suixiang",
    ])
    .await;
    let mr = app.token("mr.haizhu");
    let body = |district: &str, licence: &str| {
        json!({"name": "海珠区新港市场 3 号档", "buyer_kind": "meat_market_stall", "district": district,
               "licence_no": licence, "address": "广州市海珠区新港中路", "market_name": "新港市场", "stall_no": "3"})
    };
    let ok = app
        .post(
            "/api/v1/buyers",
            Some(&mr),
            body("haizhu", "92440105MA00000001"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{ok:?}");
    assert_eq!(ok.body["buyer_kind"], "meat_market_stall");
    assert_eq!(ok.body["kind_name"], "肉菜市场摊位");
    assert_eq!(
        app.post("/api/v1/buyers", Some(&mr), body("tianhe", "X2"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let dup = app
        .post(
            "/api/v1/buyers",
            Some(&mr),
            body("haizhu", "92440105MA00000001"),
        )
        .await;
    assert_eq!(dup.code(), "buyer_exists");
    assert_eq!(
        app.post(
            "/api/v1/buyers",
            Some(&app.token("sr.city")),
            body("haizhu", "X3")
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let public = app.get("/api/v1/public/buyers?district=haizhu", None).await;
    assert_eq!(public.body["total"], 2);
    let kinds = app.get("/api/v1/public/buyers?limit=200", None).await;
    let seen: std::collections::HashSet<&str> = kinds.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|b| b["buyer_kind"].as_str())
        .collect();
    assert_eq!(seen.len(), 8, "buyers of every kind are listed: {seen:?}");
}

struct Ctx {
    /// A lot the trader holds (recorded in its ledger).
    held: String,
    shipment: String,
    trader: String,
    other_buyer: String,
    lot: String,
    code: String,
    n: std::sync::atomic::AtomicU32,
}

#[actix_web::test]
async fn circulation_role_matrix_with_another_buyers_ids() {
    let app = TestApp::with_cast(&[MATRIX_CAST, &["vendor.suifeng"]].concat()).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 3500, &[100_000, 100_000]).await;
    let (trader, _) = buyer(&app, "vendor.suifeng");
    let s = ship(&app, &c.sh, &trader, "M-1", &[(&ids[0], 100_000)]).await;
    let (_, trader_token) = buyer(&app, "vendor.suifeng");
    confirm(&app, &trader_token, &codes[0], 100_000, None).await;
    let ctx = Ctx {
        held: ids[0].clone(),
        shipment: s.body["id"].as_str().expect("id").to_string(),
        trader,
        other_buyer: app.account("vendor.crv").org_id.clone(),
        lot: ids[1].clone(),
        code: codes[0].clone(),
        n: Default::default(),
    };
    // "vendor" is vendor.crv: another buyer than the trader the shipment went to.
    let rows: Vec<(&str, BuildOf<Ctx>, &str)> = vec![
        (
            "read a shipment",
            row(|c: &Ctx, _| get(format!("/api/v1/shipments/{}", c.shipment))),
            "sh=200 shy=404 vendor=404 mr=200 sr=200 insp=200 insph=404 vet=403 admin=403 hotline=403 anon=401",
        ),
        (
            "read the trader's registry record",
            row(|c: &Ctx, _| get(format!("/api/v1/buyers/{}", c.trader))),
            "vendor=404 mr=200 insp=200 sr=403 sh=403 admin=403 anon=401",
        ),
        (
            "read own registry record",
            row(|c: &Ctx, _| get(format!("/api/v1/buyers/{}", c.other_buyer))),
            "vendor=200 mr=200 anon=401",
        ),
        (
            "scan a lot shipped to the trader",
            row(|c: &Ctx, _| post("/api/v1/ledger/scan".into(), json!({"scanned": c.code}))),
            "vendor=422 sh=403 mr=403 insp=403 admin=403 anon=401",
        ),
        (
            "record a lot shipped to the trader",
            row(|c: &Ctx, _| post("/api/v1/ledger/entries".into(), json!({"scanned": c.code, "weight_g": 1}))),
            "vendor=422 sh=403 sr=403 mr=403 anon=401",
        ),
        (
            "list own ledger",
            row(|_: &Ctx, _| get("/api/v1/ledger/entries".into())),
            "vendor=200 sh=403 mr=403 anon=401",
        ),
        (
            "list own shipments",
            row(|_: &Ctx, _| get("/api/v1/shipments".into())),
            "vendor=200 sh=200 mr=403 insp=403 anon=401",
        ),
        (
            "ship another house's lot",
            row(|c: &Ctx, _| {
                post(
                    "/api/v1/shipments".into(),
                    json!({"buyer_id": c.trader, "voucher_no": format!("MM-{}", c.n.fetch_add(1, std::sync::atomic::Ordering::SeqCst)),
                           "lines": [{"lot_id": c.lot, "weight_g": 1, "unit_price_fen": 1}]}),
                )
            }),
            "shy=422 vendor=422 mr=403 sr=403 insp=403 vet=403 admin=403 anon=401",
        ),
        (
            "register a buyer",
            row(|c: &Ctx, _| {
                post(
                    "/api/v1/buyers".into(),
                    json!({"name": "某店", "buyer_kind": "meat_shop", "district": "tianhe",
                           "licence_no": format!("L-{}", c.n.fetch_add(1, std::sync::atomic::Ordering::SeqCst)), "address": "天河"}),
                )
            }),
            "mr=201 insph=403 sr=403 vendor=403 sh=403 admin=403 anon=401",
        ),
        (
            "recall a lot",
            row(|c: &Ctx, _| post(format!("/api/v1/lots/{}/recalls", c.lot), json!({"reason": "矩阵"}))),
            "vendor=403 sh=403 vet=403 admin=403 hotline=403 anon=401 insph=404 insp=201",
        ),
        (
            "split a lot another buyer holds",
            row(|c: &Ctx, _| post(format!("/api/v1/lots/{}/splits", c.held), json!({"children": [{"weight_g": 1}]}))),
            "vendor=404 sh=403 mr=403 insp=403 admin=403 anon=401",
        ),
        (
            "dispose of a lot another buyer holds",
            row(|c: &Ctx, _| {
                post(
                    format!("/api/v1/lots/{}/holder-disposals", c.held),
                    json!({"weight_g": 1, "reason": "spoilage", "method": "incineration", "handler": "x"}),
                )
            }),
            "vendor=404 sh=403 mr=403 anon=401",
        ),
        (
            "mark sold out a lot another buyer holds",
            row(|c: &Ctx, _| post(format!("/api/v1/lots/{}/sold-out", c.held), json!({}))),
            "vendor=404 sh=403 mr=403 anon=401",
        ),
        (
            "sell on a receipt what another buyer holds",
            row(|c: &Ctx, _| {
                post(
                    "/api/v1/receipts".into(),
                    json!({"lines": [{"lot_id": c.held, "weight_g": 1, "price_fen": 1}]}),
                )
            }),
            "vendor=404 sh=403 mr=403 insp=403 anon=401",
        ),
        (
            "read a lot another buyer holds",
            row(|c: &Ctx, _| get(format!("/api/v1/lots/{}", c.held))),
            "vendor=404 sh=200 shy=404 mr=403 anon=401",
        ),
        (
            "the trader's board, public",
            row(|c: &Ctx, _| get(format!("/api/v1/stalls/{}/today", c.trader))),
            "anon=200 vendor=200 sh=200",
        ),
        (
            "a board of something that is no stall",
            row(|_: &Ctx, _| get(format!("/api/v1/stalls/{}/today", uuid::Uuid::new_v4()))),
            "anon=404",
        ),
        (
            "public buyer directory",
            row(|_: &Ctx, _| get("/api/v1/public/buyers".into())),
            "anon=200 vendor=200",
        ),
    ];
    let (failures, checked) = run_matrix(&app, &ctx, &rows).await;
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The other buyer's refused scan and record named the reason: never shipped to them.
    let r = app
        .post(
            "/api/v1/ledger/entries",
            Some(&app.token("vendor.crv")),
            json!({"scanned": ctx.code, "weight_g": 1}),
        )
        .await;
    assert_eq!(r.code(), "not_shipped_to_buyer");
}

#[actix_web::test]
async fn holders_split_sell_dispose_and_show_their_stock_on_the_board() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "vet.chen",
        "vendor.suifeng",
        "vendor.jiangnan12",
        "vendor.crv",
        "mr.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 3600, &[100_000, 40_000]).await;
    let (trader, trader_token) = buyer(&app, "vendor.suifeng");
    let (stall, stall_token) = buyer(&app, "vendor.jiangnan12");
    ship(&app, &c.sh, &trader, "S-1", &[(&ids[0], 100_000)]).await;
    confirm(&app, &trader_token, &codes[0], 100_000, None).await;

    // Split: children never weigh more than what is held; each gets its own code and label.
    let over = app
        .post(
            &format!("/api/v1/lots/{}/splits", ids[0]),
            Some(&trader_token),
            json!({"children": [{"weight_g": 60_000}, {"weight_g": 40_001}]}),
        )
        .await;
    assert_eq!(over.code(), "exceeds_holding", "{over:?}");
    let split = app
        .post(
            &format!("/api/v1/lots/{}/splits", ids[0]),
            Some(&trader_token),
            json!({"children": [{"weight_g": 30_000, "product_name": "牛腱"}, {"weight_g": 20_000}]}),
        )
        .await;
    assert_eq!(split.status, StatusCode::CREATED, "{split:?}");
    let child = split.body[0].clone();
    let child_id = child["id"].as_str().expect("id").to_string();
    let child_code = child["trace_code"].as_str().expect("code").to_string();
    assert_ne!(child_code, codes[0]);
    assert_eq!(child["parent_lot_id"], ids[0].as_str());
    assert_eq!(
        child["product_certificate_id"],
        app.get(&format!("/api/v1/lots/{}", ids[0]), Some(&c.sh))
            .await
            .body["product_certificate_id"]
    );
    assert_eq!(child["product_name"], "牛腱");
    assert_eq!(split.body[1]["product_name"], "牛腩");
    // The holder reads its child lot and its label; another buyer cannot.
    assert_eq!(
        app.get(&format!("/api/v1/lots/{child_id}"), Some(&trader_token))
            .await
            .status,
        StatusCode::OK
    );
    let png = app
        .get(
            &format!("/api/v1/lots/{child_id}/qr.png"),
            Some(&trader_token),
        )
        .await;
    assert_eq!(png.status, StatusCode::OK);
    assert_eq!(
        app.get(&format!("/api/v1/lots/{child_id}"), Some(&stall_token))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // What is left of the parent: 100,000 - 50,000.
    assert_eq!(
        ship(&app, &trader_token, &stall, "S-2", &[(&ids[0], 50_001)])
            .await
            .code(),
        "exceeds_available_weight"
    );
    // The child ships onwards like any lot; the stall records it by scanning its own code.
    assert_eq!(
        ship(&app, &trader_token, &stall, "S-3", &[(&child_id, 30_000)])
            .await
            .status,
        StatusCode::CREATED
    );
    let rec = confirm(&app, &stall_token, &child_code, 30_000, None).await;
    assert_eq!(rec.status, StatusCode::CREATED, "{rec:?}");

    // Today's board shows what the stall holds, with both certificates, publicly.
    let board = app
        .get(&format!("/api/v1/stalls/{stall}/today"), None)
        .await;
    assert_eq!(board.status, StatusCode::OK, "{board:?}");
    let entry = board.body["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["trace_code"] == niuyang::lots::trace_code::display(&child_code).as_str())
        .expect("the child lot is on the board")
        .clone();
    assert_eq!(entry["weight_held_g"], 30_000);
    assert!(entry["product_certificate_no"]
        .as_str()
        .is_some_and(|s| s.starts_with("PB-")));
    assert!(entry["inspection_certificate_no"]
        .as_str()
        .is_some_and(|s| s.starts_with("JY-")));
    assert_eq!(
        board.body["page_url"],
        format!("http://127.0.0.1:8080/stalls/{stall}/today")
    );
    let page = app.get(&format!("/stalls/{stall}/today"), None).await;
    let html = page.body.as_str().unwrap_or("").to_string();
    assert!(html.contains("今日检疫、检验证明"));
    assert!(html.contains(&niuyang::lots::trace_code::display(&child_code)));
    assert!(html.contains("<svg"), "a QR code that opens the page");
    assert!(!html.contains("<script"));

    // A receipt: never more than held; anyone can verify it.
    let too_much = app
        .post(
            "/api/v1/receipts",
            Some(&stall_token),
            json!({"lines": [{"lot_id": child_id, "weight_g": 30_001, "price_fen": 100}]}),
        )
        .await;
    assert_eq!(too_much.code(), "exceeds_holding");
    // Prices the trade cannot mean are refused, so no total overflows (two lines at i64::MAX were accepted
    // and the page showed "¥0.-2").
    let absurd = app
        .post(
            "/api/v1/receipts",
            Some(&stall_token),
            json!({"lines": [{"lot_id": child_id, "weight_g": 1, "price_fen": i64::MAX}]}),
        )
        .await;
    assert_eq!(
        absurd.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{absurd:?}"
    );
    assert_eq!(absurd.code(), "invalid_lines");
    let receipt = app
        .post(
            "/api/v1/receipts",
            Some(&stall_token),
            json!({"lines": [{"lot_id": child_id, "weight_g": 2_000, "price_fen": 16_000}]}),
        )
        .await;
    assert_eq!(receipt.status, StatusCode::CREATED, "{receipt:?}");
    let number = receipt.body["number"].as_str().expect("number").to_string();
    assert!(receipt.body["verification_url"]
        .as_str()
        .unwrap_or("")
        .ends_with(&format!("/r/{number}")));
    assert!(receipt.body["qr_svg"]
        .as_str()
        .unwrap_or("")
        .contains("<svg"));
    let verified = app
        .get(&format!("/api/v1/public/receipts/{number}"), None)
        .await;
    assert_eq!(verified.status, StatusCode::OK);
    assert_eq!(verified.body["total_fen"], 16_000);
    assert_eq!(verified.body["lines"][0]["trace_code"], child_code.as_str());
    assert_eq!(
        app.get("/api/v1/public/receipts/R20990101NOPE", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A holder disposes of its own quantity; then the board shows what is left, and sold out hides it.
    let disposed = app
        .post(
            &format!("/api/v1/lots/{child_id}/holder-disposals"),
            Some(&stall_token),
            json!({"weight_g": 3_000, "reason": "spoilage", "method": "incineration", "handler": "市场保洁"}),
        )
        .await;
    assert_eq!(disposed.status, StatusCode::CREATED, "{disposed:?}");
    let over_dispose = app
        .post(
            &format!("/api/v1/lots/{child_id}/holder-disposals"),
            Some(&stall_token),
            json!({"weight_g": 25_001, "reason": "spoilage", "method": "incineration", "handler": "x"}),
        )
        .await;
    assert_eq!(over_dispose.code(), "exceeds_holding");
    let board = app
        .get(&format!("/api/v1/stalls/{stall}/today"), None)
        .await;
    let held: Vec<i64> = board.body["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["trace_code"] == niuyang::lots::trace_code::display(&child_code).as_str())
        .map(|e| e["weight_held_g"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(
        held,
        [25_000],
        "30,000 recorded - 2,000 sold - 3,000 disposed"
    );
    let mark = app
        .post(
            &format!("/api/v1/lots/{child_id}/sold-out"),
            Some(&stall_token),
            json!({}),
        )
        .await;
    assert_eq!(mark.status, StatusCode::CREATED, "{mark:?}");
    let board = app
        .get(&format!("/api/v1/stalls/{stall}/today"), None)
        .await;
    assert!(!board
        .body
        .to_string()
        .contains(&niuyang::lots::trace_code::display(&child_code)));
    // Another buyer can neither sell, dispose of, nor mark what it never held.
    let (_, other) = buyer(&app, "vendor.crv");
    let foreign = app
        .post(
            "/api/v1/receipts",
            Some(&other),
            json!({"lines": [{"lot_id": child_id, "weight_g": 1, "price_fen": 1}]}),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.post(
            &format!("/api/v1/lots/{child_id}/sold-out"),
            Some(&other),
            json!({})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("mr.city")))
        .await;
    assert_eq!(audit.body["ok"], true, "{audit:?}");
    let _ = &ids[1];
}
