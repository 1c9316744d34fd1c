//! Every create that records evidence, sent twice with one `Idempotency-Key` (one record, counted through
//! the API, and the same answer again) and then with other content under the same key (409
//! `idempotency_key_reused`). The mechanism itself is tested in `idempotency.rs`.

use actix_web::http::StatusCode;
use serde_json::{json, Value};

use crate::build::*;
use crate::circulation::{buyer, confirm, lots, ship};
use crate::common::*;
use crate::idempotency::{exactly_once, Case, Count};
use crate::slaughter::Chain;

fn tags(first: u32, n: u32) -> Vec<String> {
    (first..first + n)
        .map(|i| format!("2441803{i:08}"))
        .collect()
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

fn case(
    name: &'static str,
    path: impl Into<String>,
    token: &str,
    body: Value,
    other: Value,
    count: Count,
) -> Case {
    Case {
        name,
        path: path.into(),
        token: Some(token.to_string()),
        body,
        other,
        count,
        step: 1,
    }
}

#[actix_web::test]
async fn every_create_of_the_slaughter_chain_records_once_per_key() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "mr.city"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let vet_id = app.account("vet.chen").user_id.clone();
    let t = tags(8000, 4);
    // Issued now: a 动物B certificate is valid on its day of issue (in China) only, and an hour ago is
    // yesterday there in the first hour after midnight.
    let issued = chrono::Utc::now().to_rfc3339();
    let cert = |number: &str| {
        json!({"number": number, "cert_type": "animal_b", "species": "cattle", "head_count": 4,
               "owner_name": "陈某某", "origin_place": "广东省清远市", "destination_id": c.house,
               "carrier": "粤运", "vehicle_plate": "粤R·3C417", "issued_at": issued, "ear_tags": t})
    };
    exactly_once(
        &app,
        case(
            "animal certificate",
            "/api/v1/animal-certificates",
            &c.sh,
            cert("IDEM-CERT-1"),
            cert("IDEM-CERT-2"),
            Count::new("/api/v1/animal-certificates", &c.sh, "/total"),
        ),
    )
    .await;

    let intake = |alive: i32| {
        json!({"certificate_number": "IDEM-CERT-1", "species": "cattle", "heads_alive": alive,
                                     "ear_tags": &t[..alive as usize], "vehicle_plate": "粤R·3C417"})
    };
    let made = exactly_once(
        &app,
        case(
            "intake",
            "/api/v1/intakes",
            &c.sh,
            intake(2),
            intake(1),
            Count::new("/api/v1/intakes", &c.sh, "/total"),
        ),
    )
    .await;
    let intake_id = id(&made);

    exactly_once(
        &app,
        case(
            "intake check",
            format!("/api/v1/intakes/{intake_id}/checks"),
            &c.vet,
            json!({"accepted": true, "note": "证物相符"}),
            json!({"accepted": true, "note": "另一个"}),
            Count::new(format!("/api/v1/intakes/{intake_id}"), &c.sh, "/check"),
        ),
    )
    .await;

    let batch = |no: &str| json!({"batch_no": no, "species": "cattle", "draws": [{"intake_id": intake_id, "heads": 2}]});
    let made = exactly_once(
        &app,
        case(
            "slaughter batch",
            "/api/v1/batches",
            &c.sh,
            batch("IDEM-B-1"),
            batch("IDEM-B-2"),
            Count::new("/api/v1/batches", &c.sh, "/total"),
        ),
    )
    .await;
    let batch_id = id(&made);
    let view = format!("/api/v1/batches/{batch_id}");

    let quarantine = |note: &str| {
        json!({"heads_passed": 1, "heads_failed": 1, "note": note,
        "product_certificate": {"number": "PB-IDEM-1", "cert_type": "product_b", "product": "鲜牛肉", "quantity": 300, "unit": "kg"}})
    };
    exactly_once(
        &app,
        case(
            "quarantine with its product certificate",
            format!("{view}/quarantine"),
            &c.vet,
            quarantine("合格"),
            quarantine("另一个"),
            Count::new(&view, &c.sh, "/product_certificates"),
        ),
    )
    .await;

    let inspection = |number: &str| json!({"number": number, "weight_g": 300_000, "inspector": "李检验", "passed": true});
    exactly_once(
        &app,
        case(
            "inspection certificate",
            format!("{view}/inspection-certificates"),
            &c.sh,
            inspection("JY-IDEM-1"),
            inspection("JY-IDEM-2"),
            Count::new(&view, &c.sh, "/inspection_certificates"),
        ),
    )
    .await;

    let fee = |amount: i64| json!({"item": "牛屠宰费", "quantity": 2, "amount_fen": amount});
    exactly_once(
        &app,
        case(
            "fee charged",
            format!("{view}/fees"),
            &c.sh,
            fee(20_000),
            fee(30_000),
            Count::new(&view, &c.sh, "/fees"),
        ),
    )
    .await;

    let lot = |w: i64| json!({"lots": [{"product_kind": "cuts", "product_name": "牛腩", "weight_g": w, "storage": "chilled"}]});
    let made = exactly_once(
        &app,
        case(
            "lots",
            format!("{view}/lots"),
            &c.sh,
            lot(50_000),
            lot(40_000),
            Count::new(&view, &c.sh, "/lots"),
        ),
    )
    .await;
    let lot_id = id(&made[0]);

    let correction = |w: i64| json!({"weight_g": w, "reason": "复秤"});
    exactly_once(
        &app,
        case(
            "weight correction",
            format!("/api/v1/lots/{lot_id}/corrections"),
            &c.sh,
            correction(49_000),
            correction(48_000),
            Count::new(format!("/api/v1/lots/{lot_id}"), &c.sh, "/corrections"),
        ),
    )
    .await;

    let disposal = |w: i64| {
        json!({"target": "failed_heads", "batch_id": batch_id, "reason": "quarantine_fail",
        "method": "rendering", "weight_g": w, "heads": 1, "handler": "无害化处理中心", "supervising_vet_id": vet_id})
    };
    exactly_once(
        &app,
        case(
            "disposal",
            "/api/v1/disposals",
            &c.sh,
            disposal(250_000),
            disposal(240_000),
            Count::new(&view, &c.sh, "/disposals"),
        ),
    )
    .await;

    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("mr.city")))
        .await;
    assert_eq!(audit.body["ok"], true, "{audit:?}");
}

#[actix_web::test]
async fn every_create_of_circulation_records_once_per_key() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "vet.chen",
        "vendor.suifeng",
        "inspector.city",
        "mr.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 8100, &[100_000, 100_000]).await;
    let (trader, trader_token) = buyer(&app, "vendor.suifeng");

    let shipment = |voucher: &str| {
        json!({"buyer_id": trader, "voucher_no": voucher,
        "lines": [{"lot_id": ids[0], "weight_g": 60_000, "unit_price_fen": 8_000}]})
    };
    exactly_once(
        &app,
        case(
            "shipment",
            "/api/v1/shipments",
            &c.sh,
            shipment("IDEM-S-1"),
            shipment("IDEM-S-2"),
            Count::new("/api/v1/shipments", &c.sh, "/total"),
        ),
    )
    .await;

    let entry = |w: i64| json!({"scanned": codes[0], "weight_g": w});
    exactly_once(
        &app,
        case(
            "ledger entry",
            "/api/v1/ledger/entries",
            &trader_token,
            entry(50_000),
            entry(40_000),
            Count::new("/api/v1/ledger/entries", &trader_token, "/total"),
        ),
    )
    .await;

    let receipt =
        |w: i64| json!({"lines": [{"lot_id": ids[0], "weight_g": w, "price_fen": 8_000}]});
    exactly_once(
        &app,
        case(
            "receipt",
            "/api/v1/receipts",
            &trader_token,
            receipt(1_000),
            receipt(2_000),
            Count::new("/api/v1/receipts", &trader_token, "/total"),
        ),
    )
    .await;

    let split = |w: i64| json!({"children": [{"weight_g": w}]});
    let board = format!("/api/v1/stalls/{trader}/today");
    exactly_once(
        &app,
        case(
            "split",
            format!("/api/v1/lots/{}/splits", ids[0]),
            &trader_token,
            split(5_000),
            split(6_000),
            Count::new(&board, &trader_token, "/entries"),
        ),
    )
    .await;

    let batch_view = {
        let l = app
            .get(&format!("/api/v1/lots/{}", ids[0]), Some(&c.sh))
            .await;
        format!(
            "/api/v1/batches/{}",
            l.body["batch_id"].as_str().expect("batch")
        )
    };
    let held_disposal = |w: i64| json!({"weight_g": w, "reason": "spoilage", "method": "incineration", "handler": "市场保洁"});
    exactly_once(
        &app,
        case(
            "disposal of held stock",
            format!("/api/v1/lots/{}/holder-disposals", ids[0]),
            &trader_token,
            held_disposal(1_000),
            held_disposal(2_000),
            Count::new(&batch_view, &c.sh, "/disposals"),
        ),
    )
    .await;

    // A recall of the second lot, held by the trader: the recall, then the trader's report.
    assert_eq!(
        ship(&app, &c.sh, &trader, "IDEM-S-3", &[(&ids[1], 30_000)])
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        confirm(&app, &trader_token, &codes[1], 30_000, None)
            .await
            .status,
        StatusCode::CREATED
    );
    let inspector = app.token("inspector.city");
    let recall = |reason: &str| json!({"reason": reason});
    exactly_once(
        &app,
        case(
            "recall",
            format!("/api/v1/lots/{}/recalls", ids[1]),
            &inspector,
            recall("抽检不合格"),
            recall("另一个原因"),
            Count::new("/api/v1/recalls", &inspector, "/total"),
        ),
    )
    .await;
    let notices = app.get("/api/v1/notifications", Some(&trader_token)).await;
    let notice = notices.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|n| n["lot_id"] == ids[1].as_str())
        .expect("the trader is notified")
        .clone();
    let notice_id = notice["notice_id"].as_str().expect("id").to_string();
    let report = |w: i64| json!({"pulled_g": w, "note": "已下架"});
    let mut report_case = case(
        "recall report",
        format!("/api/v1/notifications/{notice_id}/reports"),
        &trader_token,
        report(10_000),
        report(5_000),
        Count::new("/api/v1/notifications", &trader_token, "/items/0/pulled_g"),
    );
    report_case.step = 10_000;
    exactly_once(&app, report_case).await;

    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("mr.city")))
        .await;
    assert_eq!(audit.body["ok"], true, "{audit:?}");
}

#[actix_web::test]
async fn complaints_findings_and_credit_events_record_once_per_key() {
    let app = TestApp::with_cast(&[crate::complaints::CAST, &["inspector.city"]].concat()).await;
    let inspector = app.token("inspector.city");
    let stall = app.account("vendor.jiangnan12").org_id.clone();
    let complaints = || Count::new("/api/v1/complaints", &inspector, "/total");

    let web = |d: &str| {
        json!({"category": "water_injected", "description": d, "district": "haizhu",
                               "reporter_phone": "13912345678"})
    };
    let mut anonymous = case(
        "web complaint",
        "/api/v1/complaints",
        &inspector,
        web("注水"),
        web("另一件事"),
        complaints(),
    );
    anonymous.token = None;
    let filed = exactly_once(&app, anonymous).await;
    assert!(filed["access_code"].as_str().is_some_and(|c| !c.is_empty()));

    let phone = |wo: &str| {
        json!({"category": "water_injected", "description": "注水", "subject_org_id": stall,
                                  "work_order_no": wo})
    };
    exactly_once(
        &app,
        case(
            "phone complaint",
            "/api/v1/hotline/complaints",
            &app.token("hotline.01"),
            phone("GD-IDEM-1"),
            phone("GD-IDEM-2"),
            complaints(),
        ),
    )
    .await;

    let finding = |summary: &str| json!({"rule": "inspection_no_ledger", "subject_org_id": stall, "summary": summary});
    exactly_once(
        &app,
        case(
            "inspection finding",
            "/api/v1/violations",
            &inspector,
            finding("未建立进货台账"),
            finding("另一次检查"),
            Count::new(
                format!("/api/v1/violations?subject_org_id={stall}&limit=200"),
                &inspector,
                "/items",
            ),
        ),
    )
    .await;

    let event = |summary: &str| json!({"kind": "warning", "summary": summary});
    let credit = format!("/api/v1/organisations/{stall}/credit-events");
    let mr = app.token("mr.haizhu");
    exactly_once(
        &app,
        case(
            "credit event",
            &credit,
            &mr,
            event("约谈提醒"),
            event("另一次"),
            Count::new(&credit, &mr, "/total"),
        ),
    )
    .await;

    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("mr.city")))
        .await;
    assert_eq!(audit.body["ok"], true, "{audit:?}");
}
