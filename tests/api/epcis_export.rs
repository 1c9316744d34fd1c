//! The EPCIS 2.0 export: stories 1 and 2 of domain.md exported as GS1 events, checked against GS1's EPCIS 2.0
//! JSON schema (vendored in `tests/fixtures/epcis/`), every `eventID` recomputed from the exported event;
//! who may export what; ranges refused.

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use serde_json::{json, Value};

use crate::build::*;
use crate::circulation::{buyer, confirm, ship};
use crate::common::*;
use crate::slaughter::Chain;

/// Who the stories need.
const STORY_CAST: &[&str] = &[
    "sh.suibei",
    "vet.chen",
    "vendor.suifeng",
    "vendor.lanzhou",
    "vendor.jiangnan12",
    "inspector.city",
];
const BASE: &str = "http://127.0.0.1:8080";
/// A valid GTIN-13 for one of story 1's lots.
const GTIN: &str = "6901234567892";

fn tags(first: u32, n: u32) -> Vec<String> {
    (first..first + n)
        .map(|i| format!("2441803{i:08}"))
        .collect()
}

fn id(r: &Resp) -> String {
    r.body["id"].as_str().expect("id").to_string()
}

/// What the stories leave behind, to look for in the export.
struct Story {
    /// Story 1's lots (URIs as exported).
    lot_uris: Vec<String>,
    /// The child lot the stall cut (URI).
    child_uri: String,
}

/// Story 1: 20 head on a 动物B certificate, 19 pass and 1 fails (rendered), 产品B, inspection, lots (one with
/// a GTIN), shipped to a wholesale trader and a restaurant. Story 2: the trader scans and records its lot,
/// ships part of it to a market stall, which records it, cuts a piece and gives a customer a receipt.
/// Then an inspector recalls one lot.
async fn stories(app: &TestApp) -> Story {
    let c = Chain::at(app, SUIBEI, "sh.suibei");
    let vet_id = app.account("vet.chen").user_id.clone();
    let t = tags(700, 20);
    let cert = c
        .certificate("4418032026112800701", "animal_b", "cattle", 20, &t, 0)
        .await;
    assert_eq!(cert.status, StatusCode::CREATED, "{cert:?}");
    let intake = c.intake("4418032026112800701", "cattle", 20, 0, &t).await;
    assert_eq!(intake.status, StatusCode::CREATED, "{intake:?}");
    assert_eq!(c.check(&id(&intake)).await.status, StatusCode::CREATED);
    let batch = c
        .batch("SB-EPCIS-01", "cattle", false, &[(&id(&intake), 20)])
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{batch:?}");
    let batch = id(&batch);
    let q = c.quarantine(&batch, 19, 1, "PB-EPCIS-1").await;
    assert_eq!(q.status, StatusCode::CREATED, "{q:?}");
    let d = app
        .post(
            "/api/v1/disposals",
            Some(&c.sh),
            json!({"target": "failed_heads", "batch_id": batch, "reason": "quarantine_fail",
                   "method": "rendering", "weight_g": 250_000, "heads": 1, "handler": "广州市无害化处理中心",
                   "supervising_vet_id": vet_id, "outsourced": true, "handover_slip": "WHH-0701"}),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{d:?}");
    let ic = c.inspect(&batch, "GZJY-EPCIS-01", 4_750_000, true).await;
    assert_eq!(ic.status, StatusCode::CREATED, "{ic:?}");
    let lots = app
        .post(
            &format!("/api/v1/batches/{batch}/lots"),
            Some(&c.sh),
            json!({"lots": [
                {"product_kind": "cuts", "product_name": "牛腩", "weight_g": 1_200_000, "storage": "chilled", "gtin": GTIN},
                {"product_kind": "cuts", "product_name": "牛腩", "weight_g": 1_200_000, "storage": "chilled"},
                {"product_kind": "cuts", "product_name": "牛腱", "weight_g": 800_000, "storage": "chilled"},
                {"product_kind": "offal", "product_name": "牛杂", "weight_g": 500_000, "storage": "chilled"},
            ]}),
        )
        .await;
    assert_eq!(lots.status, StatusCode::CREATED, "{lots:?}");
    let lots = lots.body.as_array().expect("lots").clone();
    let lot_ids: Vec<String> = lots
        .iter()
        .map(|l| l["id"].as_str().expect("id").to_string())
        .collect();
    let codes: Vec<String> = lots
        .iter()
        .map(|l| l["trace_code"].as_str().expect("code").to_string())
        .collect();
    let lot_uris = vec![
        format!("{BASE}/01/{GTIN}/10/{}", codes[0]),
        format!("{BASE}/t/{}", codes[1]),
        format!("{BASE}/t/{}", codes[2]),
        format!("{BASE}/t/{}", codes[3]),
    ];

    // Shipped to a wholesale trader and a restaurant, each of which records what arrived.
    let (trader, trader_token) = buyer(app, "vendor.suifeng");
    let (restaurant, restaurant_token) = buyer(app, "vendor.lanzhou");
    let s = ship(
        app,
        &c.sh,
        &trader,
        "JY-EPCIS-01",
        &[(&lot_ids[1], 1_200_000)],
    )
    .await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    let s = ship(
        app,
        &c.sh,
        &restaurant,
        "JY-EPCIS-02",
        &[(&lot_ids[2], 800_000)],
    )
    .await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    let e = app
        .post(
            "/api/v1/ledger/entries",
            Some(&restaurant_token),
            json!({"scanned": codes[2], "weight_g": 800_000, "document_check": true, "document_note": "票据齐全"}),
        )
        .await;
    assert_eq!(e.status, StatusCode::CREATED, "{e:?}");

    // Story 2: the trader scans the label and records it, ships part on to a market stall.
    let e = confirm(
        app,
        &trader_token,
        &format!("{BASE}/t/{}", codes[1]),
        1_200_000,
        None,
    )
    .await;
    assert_eq!(e.status, StatusCode::CREATED, "{e:?}");
    let (stall, stall_token) = buyer(app, "vendor.jiangnan12");
    let s = ship(
        app,
        &trader_token,
        &stall,
        "SF-EPCIS-1",
        &[(&lot_ids[1], 100_000)],
    )
    .await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    let e = confirm(app, &stall_token, &codes[1], 100_000, None).await;
    assert_eq!(e.status, StatusCode::CREATED, "{e:?}");
    let split = app
        .post(
            &format!("/api/v1/lots/{}/splits", lot_ids[1]),
            Some(&stall_token),
            json!({"children": [{"weight_g": 30_000}]}),
        )
        .await;
    assert_eq!(split.status, StatusCode::CREATED, "{split:?}");
    let child = &split.body.as_array().expect("children")[0];
    let child_id = child["id"].as_str().expect("id").to_string();
    let child_uri = format!("{BASE}/t/{}", child["trace_code"].as_str().expect("code"));
    let receipt = app
        .post(
            "/api/v1/receipts",
            Some(&stall_token),
            json!({"lines": [{"lot_id": child_id, "weight_g": 2_000, "price_fen": 16_000}]}),
        )
        .await;
    assert_eq!(receipt.status, StatusCode::CREATED, "{receipt:?}");

    // An inspector recalls the offal lot.
    let r = app
        .post(
            &format!("/api/v1/lots/{}/recalls", lot_ids[3]),
            Some(&app.token("inspector.city")),
            json!({"reason": "抽检不合格"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    Story {
        lot_uris,
        child_uri,
    }
}

async fn export(app: &TestApp, who: &str, query: &str) -> Resp {
    app.get(
        &format!("/api/v1/epcis/events{query}"),
        Some(&app.token(who)),
    )
    .await
}

fn events(doc: &Value) -> &Vec<Value> {
    doc["epcisBody"]["eventList"].as_array().expect("eventList")
}

/// Every epcClass an event names, inputs and outputs included.
fn classes(e: &Value) -> Vec<String> {
    ["quantityList", "inputQuantityList", "outputQuantityList"]
        .iter()
        .filter_map(|k| e[*k].as_array())
        .flatten()
        .filter_map(|q| q["epcClass"].as_str().map(str::to_string))
        .collect()
}

fn schema_errors(doc: &Value) -> Vec<String> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/epcis/EPCIS-JSON-Schema.json"
    ))
    .expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema json");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("valid schema");
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[actix_web::test]
async fn stories_1_and_2_export_as_valid_epcis_with_recomputable_ids() {
    let app = TestApp::with_cast(STORY_CAST).await;
    let story = stories(&app).await;
    let r = export(&app, "inspector.city", "").await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/ld+json")
    );
    let doc = &r.body;
    assert_eq!(doc["type"], "EPCISDocument");
    assert_eq!(doc["schemaVersion"], "2.0");

    let errors = schema_errors(doc);
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
    // The validator does look: an event without its time zone, or with a CBV 1.x URN, fails.
    let mut broken = doc.clone();
    broken["epcisBody"]["eventList"][0]
        .as_object_mut()
        .expect("event")
        .remove("eventTimeZoneOffset");
    assert!(!schema_errors(&broken).is_empty());
    let mut broken = doc.clone();
    broken["epcisBody"]["eventList"][0]["bizStep"] = json!("urn:epcglobal:cbv:bizstep:shipping");
    assert!(!schema_errors(&broken).is_empty());

    let list = events(doc);
    // Every business step and disposition of the chain is there.
    let steps: BTreeSet<&str> = list.iter().filter_map(|e| e["bizStep"].as_str()).collect();
    for step in [
        "commissioning",
        "inspecting",
        "shipping",
        "receiving",
        "destroying",
        "holding",
    ] {
        assert!(steps.contains(step), "no {step} event in {steps:?}");
    }
    let dispositions: BTreeSet<&str> = list
        .iter()
        .filter_map(|e| e["disposition"].as_str())
        .collect();
    for d in [
        "active",
        "conformant",
        "non_conformant",
        "in_transit",
        "in_progress",
        "destroyed",
        "recalled",
    ] {
        assert!(
            dispositions.contains(d),
            "no {d} disposition in {dispositions:?}"
        );
    }
    // Story 1's lots are commissioned (the GTIN one by its Digital Link URI) with their master data.
    let suibei = format!("{BASE}/org/{}", app.org_id(SUIBEI));
    for uri in &story.lot_uris {
        let made: Vec<&Value> = list
            .iter()
            .filter(|e| e["bizStep"] == "commissioning" && classes(e).contains(uri))
            .collect();
        assert_eq!(made.len(), 1, "commissioning of {uri}");
        assert_eq!(made[0]["action"], "ADD");
        assert_eq!(made[0]["readPoint"]["id"], suibei.as_str());
        assert_eq!(made[0]["eventTimeZoneOffset"], "+08:00");
        assert!(made[0]["ilmd"]["cbvmda:itemExpirationDate"].is_string());
    }
    assert_eq!(
        list.iter()
            .find(|e| classes(e).contains(&story.lot_uris[0]))
            .map(|e| e["quantityList"][0]["quantity"].clone()),
        Some(json!(1200))
    );
    // Quarantine: 19 heads conformant, 1 not; the failed head destroyed.
    let heads = |disp: &str| {
        list.iter()
            .filter(|e| e["bizStep"] == "inspecting" && e["disposition"] == disp)
            .filter_map(|e| e["quantityList"][0]["quantity"].as_i64())
            .collect::<Vec<_>>()
    };
    assert!(heads("conformant").contains(&19));
    assert!(heads("non_conformant").contains(&1));
    // Shipping with voucher and parties; receiving by the buyers; the split; the recall.
    let shipped_to_trader = list
        .iter()
        .find(|e| {
            e["bizStep"] == "shipping"
                && e["bizTransactionList"][0]["bizTransaction"]
                    .as_str()
                    .is_some_and(|b| b.ends_with("/voucher/JY-EPCIS-01"))
        })
        .expect("shipping event of JY-EPCIS-01");
    assert_eq!(shipped_to_trader["bizTransactionList"][0]["type"], "desadv");
    assert_eq!(
        shipped_to_trader["destinationList"][0]["destination"],
        format!("{BASE}/org/{}", app.account("vendor.suifeng").org_id)
    );
    let received: Vec<&Value> = list
        .iter()
        .filter(|e| e["bizStep"] == "receiving" && classes(e).contains(&story.lot_uris[1]))
        .collect();
    assert_eq!(received.len(), 2, "trader and stall record lot 2");
    assert!(list
        .iter()
        .any(|e| e["type"] == "TransformationEvent" && classes(e).contains(&story.child_uri)));
    assert!(list
        .iter()
        .any(|e| e["disposition"] == "recalled" && classes(e).contains(&story.lot_uris[3])));

    // Every eventID is the CBV 2.0 hash of the event as exported; sorted by time, then ID.
    let context = &doc["@context"];
    let mut ids = BTreeSet::new();
    for e in list {
        let mut bare = e.clone();
        let given = bare
            .as_object_mut()
            .and_then(|m| m.remove("eventID"))
            .expect("eventID");
        let again = niuyang::epcis::event_hash_id(&bare, context).expect("hash");
        assert_eq!(given.as_str(), Some(again.as_str()), "event {e}");
        assert!(ids.insert(again), "duplicate event ID");
    }
    let recomputed = niuyang::epcis::document_hash_ids(doc).expect("hashes");
    let given: Vec<&str> = list.iter().filter_map(|e| e["eventID"].as_str()).collect();
    assert_eq!(recomputed, given);
    let keys: Vec<(&str, &str)> = list
        .iter()
        .map(|e| {
            (
                e["eventTime"].as_str().unwrap_or(""),
                e["eventID"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);

    // JSON accepted too; the same document apart from its creation date.
    let token = app.token("inspector.city");
    let req = request(
        actix_web::http::Method::GET,
        "/api/v1/epcis/events",
        Some(&token),
        None,
    )
    .insert_header(("accept", "application/json"));
    let again = app.send(req).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(events(&again.body), list);
}

#[actix_web::test]
async fn each_caller_exports_its_side_and_district_only() {
    let app = TestApp::with_cast(&[STORY_CAST, MATRIX_CAST, &["mr.haizhu"]].concat()).await;
    stories(&app).await;
    // A second slaughterhouse's day, for the city's regulator to see more than one.
    app.chain(YUNAN).sheep().lots(&[18_000]).make().await;
    let org_uri = |name: &str| format!("{BASE}/org/{}", app.org_id(name));
    let places = |doc: &Value| -> BTreeSet<String> {
        events(doc)
            .iter()
            .filter_map(|e| e["readPoint"]["id"].as_str().map(str::to_string))
            .collect()
    };

    let city = export(&app, "inspector.city", "").await;
    assert_eq!(city.status, StatusCode::OK, "{city:?}");
    let all = places(&city.body);
    assert!(all.len() > 2, "{all:?}");

    // District slaughter regulator (白云): only 穗北's events, slaughter side only.
    let srb = export(&app, "sr.baiyun", "").await;
    assert_eq!(srb.status, StatusCode::OK, "{srb:?}");
    assert_eq!(places(&srb.body), BTreeSet::from([org_uri(SUIBEI)]));
    assert!(events(&srb.body)
        .iter()
        .all(|e| e["bizStep"] != "receiving"));
    assert!(events(&srb.body)
        .iter()
        .any(|e| e["bizStep"] == "commissioning"));
    assert!(events(&srb.body).len() < events(&city.body).len());
    assert!(schema_errors(&srb.body).is_empty());

    // City slaughter regulator: every slaughterhouse, never a buyer.
    let sr = export(&app, "sr.city", "").await;
    let buyers_at = |doc: &Value| {
        events(doc)
            .iter()
            .filter(|e| e["bizStep"] == "receiving" || e["type"] == "TransformationEvent")
            .count()
    };
    assert_eq!(buyers_at(&sr.body), 0);
    assert!(places(&sr.body).len() > 1, "more than one slaughterhouse");

    // District market regulator (海珠): only the 海珠 stall's events.
    let mrh = export(&app, "mr.haizhu", "").await;
    assert_eq!(mrh.status, StatusCode::OK, "{mrh:?}");
    let stall = format!("{BASE}/org/{}", app.account("vendor.jiangnan12").org_id);
    assert_eq!(places(&mrh.body), BTreeSet::from([stall]));
    let mr = export(&app, "mr.city", "").await;
    assert!(buyers_at(&mr.body) > 0);
    assert!(events(&mr.body)
        .iter()
        .all(|e| e["bizStep"] != "commissioning"));

    // Others may not export; anonymous callers must log in.
    for who in [
        "vendor.crv",
        "sh.suibei",
        "vet.chen",
        "demo.admin",
        "hotline.01",
    ] {
        assert_eq!(
            export(&app, who, "").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    let anon = app.get("/api/v1/epcis/events", None).await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn ranges_are_dates_or_times_and_bounded() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "inspector.city"]).await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset"))
        .date_naive();
    let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
    app.chain(SUIBEI).lots(&[100_000]).make().await;

    let r = export(
        &app,
        "inspector.city",
        &format!("?from={}&to={}", day(0), day(0)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let n_today = events(&r.body).len();
    assert!(n_today > 0, "the chain made above is today");
    let r = export(
        &app,
        "inspector.city",
        &format!("?from={}&to={}", day(-30), day(0)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "31 days: {r:?}");
    // An instant range ending before today's events holds none of them.
    let r = export(
        &app,
        "inspector.city",
        "?from=2020-01-01T00:00:00%2B08:00&to=2020-01-02T00:00:00Z",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert!(events(&r.body).is_empty());
    assert!(schema_errors(&r.body).is_empty());

    for (query, code) in [
        (
            format!("?from={}&to={}", day(-31), day(0)),
            "range_too_long",
        ),
        (format!("?from={}&to={}", day(0), day(-1)), "range_inverted"),
        ("?from=last-week".to_string(), "invalid_time"),
        ("?to=2026-13-01".to_string(), "invalid_time"),
    ] {
        let r = export(&app, "inspector.city", &query).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {r:?}");
        assert_eq!(r.code(), code, "{query}");
        assert!(r.body["detail"].is_string() && r.body["detail_en"].is_string());
    }
    let r = export(&app, "inspector.city", "?since=2026-01-01").await;
    assert!(r.status.is_client_error(), "unknown parameter: {r:?}");
}
