//! Supervision: story 4 (an inspector finds, works and follows violations), the violation workflow and the
//! credit score, inspectors' queries (filters, cursor paging, dashboard counts, CSV), the rules that detect
//! on arrival (mass balance) and on a schedule (heads unaccounted for, lapses, overdue complaints), and the
//! role × endpoint matrix of this module.

use actix_web::http::StatusCode;
use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::build::*;
use crate::circulation::{buyer, lots, ship};
use crate::common::*;
use crate::scope::{get, post, row, run_matrix, BuildOf};
use crate::slaughter::Chain;

fn today() -> NaiveDate {
    niuyang::time::today_china()
}

fn sweep(app: &TestApp, on: NaiveDate) -> niuyang::violations::schedule::SweepReport {
    // Noon in China on that day.
    let at = on.and_hms_opt(4, 0, 0).expect("time");
    niuyang::violations::schedule::sweep(&app.state.db, &app.state.rules, at).expect("sweep")
}

async fn items(app: &TestApp, who: &str, query: &str) -> Vec<Value> {
    let r = app
        .get(
            &format!("/api/v1/violations?{query}"),
            Some(&app.token(who)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {r:?}");
    r.body["items"].as_array().cloned().unwrap_or_default()
}

/// An inspection finding against a registered organisation, as `who`.
async fn finding(app: &TestApp, who: &str, rule: &str, org: &str, summary: &str) -> Resp {
    app.post(
        "/api/v1/violations",
        Some(&app.token(who)),
        json!({"rule": rule, "subject_org_id": org, "summary": summary}),
    )
    .await
}

fn id_of(r: &Resp) -> String {
    r.body["id"].as_str().expect("id").to_string()
}

#[actix_web::test]
async fn manual_violations_are_checked() {
    let app = TestApp::with_cast(&[
        "vendor.jiangnan12",
        "vendor.crv",
        SUIBEI,
        "inspector.haizhu",
        "inspector.city",
        "mr.city",
        "sr.city",
    ])
    .await;
    let stall = app.account("vendor.jiangnan12").org_id.clone(); // Haizhu
    let shop = app.account("vendor.crv").org_id.clone(); // Tianhe
    let house = app.org_id(SUIBEI);

    let ok = finding(
        &app,
        "inspector.haizhu",
        "inspection_no_certificates_shown",
        &stall,
        "未明示当日检疫证明",
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{ok:?}");
    assert_eq!(ok.body["source"], "inspection");
    assert_eq!(ok.body["status"], "open");
    assert_eq!(ok.body["article"], "七");
    assert_eq!(ok.body["severity"], "low");
    assert_eq!(ok.body["district"], "haizhu");
    assert_eq!(ok.body["subject_org_name"], "海珠区江南中街市场 12 号档");

    // Refusals, each with its code.
    let unknown = finding(&app, "inspector.city", "fee_over_cap", &stall, "x").await;
    assert_eq!(unknown.code(), "unknown_inspection_rule", "{unknown:?}");
    assert!(unknown.body["detail"]
        .as_str()
        .is_some_and(|d| d.contains("现场检查")));
    let empty = finding(&app, "inspector.city", "inspection_other", &stall, "  ").await;
    assert_eq!(empty.code(), "invalid_field", "{empty:?}");
    let both = app
        .post(
            "/api/v1/violations",
            Some(&app.token("inspector.city")),
            json!({"rule": "inspection_other", "subject_org_id": stall, "summary": "x",
                   "subject": {"name": "某", "address": "某", "district": "haizhu"}}),
        )
        .await;
    assert_eq!(both.code(), "subject_required", "{both:?}");
    let bad_record = app
        .post(
            "/api/v1/violations",
            Some(&app.token("inspector.city")),
            json!({"rule": "inspection_other", "subject_org_id": stall, "summary": "x",
                   "records": [{"entity": "users", "entity_id": uuid::Uuid::new_v4()}]}),
        )
        .await;
    assert_eq!(bad_record.code(), "invalid_record_kind", "{bad_record:?}");

    // Scope: another district's inspector cannot reach the Tianhe shop (404, as if unknown), nor record an
    // unregistered party outside its district; a market regulator cannot record against a slaughterhouse.
    let far = finding(&app, "inspector.haizhu", "inspection_no_ledger", &shop, "x").await;
    assert_eq!(far.status, StatusCode::NOT_FOUND, "{far:?}");
    let far_point = app
        .post(
            "/api/v1/violations",
            Some(&app.token("inspector.haizhu")),
            json!({"rule": "inspection_unlicensed_slaughter", "summary": "x",
                   "subject": {"name": "无名屠宰点", "address": "白云区某村", "district": "baiyun"}}),
        )
        .await;
    assert_eq!(far_point.code(), "district_out_of_scope", "{far_point:?}");
    let side = finding(&app, "mr.city", "inspection_fee_irregular", &house, "x").await;
    assert_eq!(side.status, StatusCode::NOT_FOUND, "{side:?}");
    let vendor = finding(&app, "vendor.crv", "inspection_other", &shop, "x").await;
    assert_eq!(vendor.status, StatusCode::FORBIDDEN);
    let anon = app
        .post(
            "/api/v1/violations",
            None,
            json!({"rule": "inspection_other"}),
        )
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);

    // Every inspection rule can be recorded (the regulators of each side for their side).
    for (who, rule, org) in [
        ("mr.city", "inspection_unquarantined_meat", &shop),
        ("mr.city", "inspection_not_in_network", &shop),
        ("inspector.city", "inspection_no_ledger", &shop),
        ("inspector.city", "inspection_no_receipt", &stall),
        ("sr.city", "inspection_fee_irregular", &house),
        ("sr.city", "inspection_other", &house),
    ] {
        let r = finding(&app, who, rule, org, "现场检查记录").await;
        assert_eq!(r.status, StatusCode::CREATED, "{rule}: {r:?}");
        assert_eq!(r.body["rule"], rule);
    }
}

#[actix_web::test]
async fn violations_are_worked_to_a_conclusion_that_enters_the_credit_file() {
    let app = TestApp::with_cast(&[
        "vendor.crv",
        "vendor.jiangnan12",
        "mr.city",
        "inspector.city",
        "sr.city",
    ])
    .await;
    let shop = app.account("vendor.crv").org_id.clone();
    let score_path = format!("/api/v1/organisations/{shop}/credit-score");
    let before = app.get(&score_path, Some(&app.token("mr.city"))).await;
    assert_eq!(before.status, StatusCode::OK, "{before:?}");
    let before_score = before.body["score"].as_i64().expect("score");

    let v = finding(
        &app,
        "inspector.city",
        "inspection_unquarantined_meat",
        &shop,
        "销售未检疫牛肉 8 公斤",
    )
    .await;
    let id = id_of(&v);
    let step = |path: &'static str, who: &'static str, body: Value| {
        let app = &app;
        let id = id.clone();
        async move {
            app.post(
                &format!("/api/v1/violations/{id}/{path}"),
                Some(&app.token(who)),
                body,
            )
            .await
        }
    };
    // An open violation does not count yet.
    let open_score = app.get(&score_path, Some(&app.token("mr.city"))).await;
    assert_eq!(open_score.body["score"], before_score);

    let inv = step("investigate", "mr.city", json!({"reason": "立案调查"})).await;
    assert_eq!(inv.status, StatusCode::CREATED, "{inv:?}");
    assert_eq!(inv.body["seq"], 1);
    let again = step("investigate", "inspector.city", json!({"reason": "再次"})).await;
    assert_eq!(again.code(), "violation_wrong_status", "{again:?}");
    assert!(again.body["detail"]
        .as_str()
        .is_some_and(|d| d.contains("调查中")));
    let negative = step(
        "penalise",
        "mr.city",
        json!({"reason": "x", "fine_fen": -1}),
    )
    .await;
    assert_eq!(negative.code(), "invalid_fine", "{negative:?}");
    let no_reason = step("dismiss", "mr.city", json!({"reason": ""})).await;
    assert_eq!(no_reason.code(), "invalid_field", "{no_reason:?}");
    // The slaughter side's regulator and vendors cannot work a buyer's violation.
    assert_eq!(
        step("penalise", "sr.city", json!({"reason": "x", "fine_fen": 1}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        step(
            "penalise",
            "vendor.crv",
            json!({"reason": "x", "fine_fen": 1})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let pen = step(
        "penalise",
        "mr.city",
        json!({"reason": "依据《广东省食品安全条例》处罚", "fine_fen": 500_000}),
    )
    .await;
    assert_eq!(pen.status, StatusCode::CREATED, "{pen:?}");
    let after = step("dismiss", "mr.city", json!({"reason": "x"})).await;
    assert_eq!(after.code(), "violation_wrong_status");

    let got = app
        .get(
            &format!("/api/v1/violations/{id}"),
            Some(&app.token("vendor.crv")),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{got:?}");
    assert_eq!(got.body["status"], "penalised");
    assert_eq!(got.body["fine_fen"], 500_000);
    assert_eq!(got.body["events"].as_array().map(Vec::len), Some(2));
    // Another vendor cannot see it.
    let other = app
        .get(
            &format!("/api/v1/violations/{id}"),
            Some(&app.token("vendor.jiangnan12")),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    // The penalty is in the credit file and costs 20 points (high severity).
    let file = app
        .get(
            &format!("/api/v1/organisations/{shop}/credit-events"),
            Some(&app.token("mr.city")),
        )
        .await;
    let penalised: Vec<&Value> = file.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["kind"] == "violation_penalised")
        .collect();
    assert_eq!(penalised.len(), 1, "{file:?}");
    assert_eq!(penalised[0]["source_id"], id.as_str());
    assert!(penalised[0]["summary"]
        .as_str()
        .is_some_and(|s| s.contains("5000.00 元")));
    let score = app.get(&score_path, Some(&app.token("vendor.crv"))).await;
    assert_eq!(score.body["score"], (before_score - 20).clamp(0, 100));
    assert!(score.body["counted"]
        .as_array()
        .expect("counted")
        .iter()
        .any(|c| c["points"] == -20));

    // A dismissed violation enters the file as a note and costs nothing.
    let d = finding(
        &app,
        "inspector.city",
        "inspection_no_receipt",
        &shop,
        "未开票",
    )
    .await;
    let did = id_of(&d);
    let dis = app
        .post(
            &format!("/api/v1/violations/{did}/dismiss"),
            Some(&app.token("inspector.city")),
            json!({"reason": "复核：已出具电子凭据"}),
        )
        .await;
    assert_eq!(dis.status, StatusCode::CREATED, "{dis:?}");
    let score2 = app.get(&score_path, Some(&app.token("mr.city"))).await;
    assert_eq!(score2.body["score"], score.body["score"]);
    let file = app
        .get(
            &format!("/api/v1/organisations/{shop}/credit-events"),
            Some(&app.token("mr.city")),
        )
        .await;
    assert!(file.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|e| e["kind"] == "note" && e["source_id"] == did.as_str()));
    // A score of another organisation's file is not the vendor's to read.
    let stall = app.account("vendor.jiangnan12").org_id.clone();
    let nope = app
        .get(
            &format!("/api/v1/organisations/{stall}/credit-score"),
            Some(&app.token("vendor.crv")),
        )
        .await;
    assert_eq!(nope.status, StatusCode::NOT_FOUND);

    // Every step is audited and the trail is sound.
    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("sr.city")))
        .await;
    assert_eq!(audit.body["ok"], true, "{audit:?}");
}

#[actix_web::test]
async fn inspectors_filter_sort_page_count_and_export() {
    let app = TestApp::with_cast(&[
        "vendor.jiangnan12",
        "vendor.crv",
        "inspector.haizhu",
        "inspector.city",
    ])
    .await;
    let stall = app.account("vendor.jiangnan12").org_id.clone();
    let mut made = Vec::new();
    for i in 0..5 {
        let r = finding(
            &app,
            "inspector.haizhu",
            "inspection_no_ledger",
            &stall,
            &format!("第 {i} 次检查"),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED);
        made.push(id_of(&r));
    }
    let formula = finding(
        &app,
        "inspector.haizhu",
        "inspection_other",
        &stall,
        "=HYPERLINK(\"x\")",
    )
    .await;
    made.push(id_of(&formula));
    // The demo's history is all from before today: today's findings are this test's.
    let t = today();
    let base = "district=haizhu&rule=inspection_no_ledger";
    let q = &format!("{base}&from={t}");

    // Pages of two, newest first, follow the cursor to the end: every one once, in order.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/violations?{q}&limit=2&cursor={c}"),
            None => format!("/api/v1/violations?{q}&limit=2"),
        };
        let r = app.get(&path, Some(&app.token("inspector.haizhu"))).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        for v in r.body["items"].as_array().expect("items") {
            seen.push((
                v["detected_at"].as_str().expect("at").to_string(),
                v["id"].as_str().expect("id").to_string(),
            ));
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(seen, sorted);
    let oldest = items(&app, "inspector.haizhu", &format!("{q}&sort=oldest")).await;
    assert_eq!(
        oldest.first().and_then(|v| v["id"].as_str()),
        seen.last().map(|s| s.1.as_str())
    );

    // Filters: status, severity, date range, subject.
    let first = made[0].clone();
    app.post(
        &format!("/api/v1/violations/{first}/investigate"),
        Some(&app.token("inspector.haizhu")),
        json!({"reason": "调查"}),
    )
    .await;
    let investigating = items(
        &app,
        "inspector.haizhu",
        &format!("{q}&status=investigating"),
    )
    .await;
    assert_eq!(investigating.len(), 1);
    assert_eq!(investigating[0]["id"], first.as_str());
    assert_eq!(
        items(&app, "inspector.haizhu", &format!("{q}&status=open"))
            .await
            .len(),
        4
    );
    assert_eq!(
        items(&app, "inspector.haizhu", &format!("{q}&status=penalised"))
            .await
            .len(),
        0
    );
    assert_eq!(
        items(&app, "inspector.haizhu", &format!("{q}&severity=medium"))
            .await
            .len(),
        5
    );
    assert_eq!(
        items(&app, "inspector.haizhu", &format!("{q}&severity=high"))
            .await
            .len(),
        0
    );
    let y = t.pred_opt().expect("yesterday");
    assert_eq!(
        items(&app, "inspector.haizhu", &format!("{base}&from={t}&to={t}"))
            .await
            .len(),
        5
    );
    assert_eq!(
        items(&app, "inspector.haizhu", &format!("{base}&from={y}&to={y}"))
            .await
            .len(),
        0
    );
    assert_eq!(
        items(
            &app,
            "inspector.haizhu",
            &format!("subject_org_id={stall}&from={t}")
        )
        .await
        .len(),
        6
    );
    // The district filter and scope: the Haizhu inspector sees nothing of Tianhe.
    assert!(items(&app, "inspector.haizhu", "district=tianhe")
        .await
        .is_empty());

    // Bad queries.
    for (query, code) in [
        ("cursor=nonsense", "invalid_cursor"),
        (&format!("from={t}&to={y}") as &str, "invalid_date_range"),
        ("rule=no_such_rule", "unknown_rule"),
    ] {
        let r = app
            .get(
                &format!("/api/v1/violations?{query}"),
                Some(&app.token("inspector.city")),
            )
            .await;
        assert_eq!(r.code(), code, "{query}: {r:?}");
    }
    let bad_status = app
        .get(
            "/api/v1/violations?status=closed",
            Some(&app.token("inspector.city")),
        )
        .await;
    assert_eq!(bad_status.status, StatusCode::BAD_REQUEST, "{bad_status:?}");

    // The dashboard counts what the list finds.
    let counts = app
        .get(
            &format!("/api/v1/violations/counts?district=haizhu&from={t}"),
            Some(&app.token("inspector.city")),
        )
        .await;
    assert_eq!(counts.status, StatusCode::OK, "{counts:?}");
    let all_haizhu = {
        let mut n = 0;
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => {
                    format!("/api/v1/violations?district=haizhu&from={t}&limit=200&cursor={c}")
                }
                None => format!("/api/v1/violations?district=haizhu&from={t}&limit=200"),
            };
            let r = app.get(&path, Some(&app.token("inspector.city"))).await;
            n += r.body["items"].as_array().map_or(0, Vec::len);
            match r.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        n as i64
    };
    assert_eq!(counts.body["total"], all_haizhu);
    let by_rule = counts.body["by_rule"].as_array().expect("by rule");
    let ledger = by_rule
        .iter()
        .find(|c| c["key"] == "inspection_no_ledger")
        .expect("rule counted");
    assert_eq!(ledger["count"], 5);
    assert_eq!(ledger["label"], "检查发现：未建立或未如实记录进货台账");
    let by_district = counts.body["by_district"].as_array().expect("by district");
    assert_eq!(by_district.len(), 1);
    assert_eq!(by_district[0]["label"], "海珠区");
    let statuses: i64 = counts.body["by_status"]
        .as_array()
        .expect("by status")
        .iter()
        .map(|c| c["count"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(statuses, all_haizhu);
    let status_count = |k: &str| {
        counts.body["by_status"]
            .as_array()
            .expect("by status")
            .iter()
            .find(|c| c["key"] == k)
            .and_then(|c| c["count"].as_i64())
    };
    assert_eq!(status_count("investigating"), Some(1));
    assert_eq!(status_count("open"), Some(all_haizhu - 1));

    // The CSV export: a header, one row per violation, Chinese readable, formulas defused.
    let csv = app
        .send(
            actix_web::test::TestRequest::get()
                .uri(&format!(
                    "/api/v1/violations/export.csv?subject_org_id={stall}&from={t}"
                ))
                .insert_header((
                    "authorization",
                    format!("Bearer {}", app.token("inspector.haizhu")),
                )),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/csv")));
    let text = csv.body.as_str().unwrap_or("").to_string();
    assert!(text.starts_with('\u{feff}'));
    let mut reader = ::csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(&headers[2], "规则代码 rule");
    let rows: Vec<::csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().any(|r| &r[13] == "'=HYPERLINK(\"x\")"));
    assert!(rows.iter().all(|r| &r[9] == "海珠区江南中街市场 12 号档"));
    assert!(rows.iter().any(|r| &r[7] == "调查中"));
    // Vendors export only their own.
    let own = app
        .send(
            actix_web::test::TestRequest::get()
                .uri("/api/v1/violations/export.csv")
                .insert_header((
                    "authorization",
                    format!("Bearer {}", app.token("vendor.crv")),
                )),
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own
        .body
        .as_str()
        .unwrap_or("")
        .contains("海珠区江南中街市场 12 号档"));
}

#[actix_web::test]
async fn a_correction_breaking_mass_balance_is_detected() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "vendor.suifeng", "sr.city"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, _) = lots(&c, 6100, &[100_000, 50_000]).await;
    let (trader, _) = buyer(&app, "vendor.suifeng");
    let s = ship(&app, &c.sh, &trader, "MB-1", &[(&ids[0], 80_000)]).await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    let correct = |w: i64| {
        let app = &app;
        let sh = c.sh.clone();
        let id = ids[0].clone();
        async move {
            app.post(
                &format!("/api/v1/lots/{id}/corrections"),
                Some(&sh),
                json!({"weight_g": w, "reason": "复秤"}),
            )
            .await
        }
    };
    // Down to 90 kg: still more than the 80 kg shipped; nothing fires.
    assert_eq!(correct(90_000).await.status, StatusCode::CREATED);
    assert!(items(&app, "sr.city", "rule=mass_balance_broken")
        .await
        .is_empty());
    // Down to 70 kg: 80 kg already left. The correction is kept (a measurement), the books flagged.
    let r = correct(70_000).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let v = items(&app, "sr.city", "rule=mass_balance_broken").await;
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["subject_org_id"], c.house.as_str());
    assert_eq!(v[0]["source"], "detected");
    assert!(v[0]["summary"]
        .as_str()
        .is_some_and(|s| s.contains("80000")));
    let recs = v[0]["records"].to_string();
    assert!(recs.contains(&ids[0]) && recs.contains(r.body["id"].as_str().expect("id")));
}

#[actix_web::test]
async fn certified_heads_that_never_arrive_are_flagged() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "inspector.city", "sr.baiyun"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let tags: Vec<String> = (0..10).map(|i| format!("2441803{:08}", 7000 + i)).collect();
    let short = c
        .certificate("CERT-SHORT", "animal_b", "cattle", 10, &tags, 0)
        .await;
    assert_eq!(short.status, StatusCode::CREATED, "{short:?}");
    let full_tags: Vec<String> = (0..3).map(|i| format!("2441803{:08}", 7100 + i)).collect();
    let full = c
        .certificate("CERT-FULL", "animal_b", "cattle", 3, &full_tags, 0)
        .await;
    assert_eq!(full.status, StatusCode::CREATED);
    let i = c.intake("CERT-SHORT", "cattle", 5, 1, &tags[..5]).await;
    assert_eq!(i.status, StatusCode::CREATED, "{i:?}");
    assert_eq!(
        c.intake("CERT-FULL", "cattle", 3, 0, &full_tags)
            .await
            .status,
        StatusCode::CREATED
    );
    let until: NaiveDate = short.body["valid_until"]
        .as_str()
        .expect("until")
        .parse()
        .expect("date");

    // While the certificate is valid, nothing: the rest may still come.
    assert_eq!(sweep(&app, until).heads_unaccounted, 0);
    // The day after it lapses: 4 head unaccounted for, once.
    let after = until.succ_opt().expect("day");
    assert_eq!(sweep(&app, after).heads_unaccounted, 1);
    assert_eq!(sweep(&app, after).heads_unaccounted, 0);
    let v = items(&app, "inspector.city", "rule=heads_unaccounted").await;
    let mine: Vec<&Value> = v
        .iter()
        .filter(|x| {
            x["records"]
                .to_string()
                .contains(short.body["id"].as_str().expect("id"))
        })
        .collect();
    assert_eq!(mine.len(), 1, "{v:?}");
    assert_eq!(mine[0]["subject_name"], "货主 陈某某");
    assert_eq!(mine[0]["district"], "baiyun");
    assert!(mine[0]["summary"]
        .as_str()
        .is_some_and(|s| s.contains("4 头去向不明")));
    assert!(!v.iter().any(|x| x["records"]
        .to_string()
        .contains(full.body["id"].as_str().expect("id"))));
    // A Baiyun slaughter regulator sees it (unregistered subject in its district).
    assert!(!items(&app, "sr.baiyun", "rule=heads_unaccounted")
        .await
        .is_empty());
}

#[actix_web::test]
async fn lapsed_agreements_and_licences_of_shipping_houses_are_flagged() {
    let mut app =
        TestApp::with_cast(&["sr.city", "demo.admin", "vet.chen", "vendor.suifeng"]).await;
    let sr = app.token("sr.city");
    let t = today();
    let ends = t + chrono::Days::new(5);
    // A house whose agreement and licence run out in five days, and one that never ships.
    let mut houses = Vec::new();
    for (n, name) in [(61, "临期测试厂"), (62, "停产测试厂")] {
        let mut d = designation(name, "baiyun", n);
        d["licence_valid_until"] = json!(ends);
        let r = app.post("/api/v1/slaughterhouses", Some(&sr), d).await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        let id = id_of(&r);
        let a = app
            .post(
                &format!("/api/v1/slaughterhouses/{id}/agreements"),
                Some(&sr),
                json!({"number": format!("穗屠质安协T{n}"), "signed_on": "2026-01-01", "expires_on": ends}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
        houses.push(id);
    }
    let admin = app.token("demo.admin");
    let vet = app.account("vet.chen").user_id.clone();
    let assigned = app
        .post(
            &format!("/api/v1/users/{vet}/vet-assignments"),
            Some(&admin),
            json!({"slaughterhouse_id": houses[0]}),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::CREATED, "{assigned:?}");
    app.make_user(
        "sh.linqi",
        niuyang::policy::Role::Slaughterhouse,
        &houses[0],
    );
    let c = Chain::at(&app, "临期测试厂", "sh.linqi");
    let (ids, _) = lots(&c, 6200, &[40_000]).await;
    let (trader, _) = buyer(&app, "vendor.suifeng");
    let s = ship(&app, &c.sh, &trader, "LAPSE-1", &[(&ids[0], 40_000)]).await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");

    // Before the lapse, nothing; the day after, each rule once for the shipping house only.
    let before = sweep(&app, ends);
    assert_eq!((before.agreement_lapsed, before.licence_lapsed), (0, 0));
    let after = ends.succ_opt().expect("day");
    let r = sweep(&app, after);
    assert_eq!((r.agreement_lapsed, r.licence_lapsed), (1, 1), "{r:?}");
    let r = sweep(&app, after);
    assert_eq!((r.agreement_lapsed, r.licence_lapsed), (0, 0));
    for rule in [
        "agreement_lapsed_while_shipping",
        "licence_lapsed_while_shipping",
    ] {
        let v = items(&app, "sr.city", &format!("rule={rule}")).await;
        assert_eq!(v.len(), 1, "{rule}: {v:?}");
        assert_eq!(v[0]["subject_org_id"], houses[0].as_str());
    }
    // A month and more later the window has passed: nothing new, nothing repeated.
    let r = sweep(&app, after + chrono::Days::new(40));
    assert_eq!((r.agreement_lapsed, r.licence_lapsed), (0, 0));
}

#[actix_web::test]
async fn overdue_complaints_are_flagged() {
    let app = TestApp::with_cast(crate::complaints::CAST).await;
    let filed = crate::complaints::phoned_in(&app, "GZ12345-OVERDUE-1").await;
    let id = filed["id"].as_str().expect("id").to_string();
    let dispatch_due: NaiveDate = filed["dispatch_due"]
        .as_str()
        .expect("due")
        .parse()
        .expect("date");
    assert_eq!(sweep(&app, dispatch_due).complaint_overdue, 0);
    let late = dispatch_due.succ_opt().expect("day");
    assert!(sweep(&app, late).complaint_overdue >= 1);
    assert_eq!(sweep(&app, late).complaint_overdue, 0);
    let v = items(&app, "inspector.haizhu", "rule=complaint_overdue").await;
    let mine: Vec<&Value> = v
        .iter()
        .filter(|x| x["records"].to_string().contains(&id))
        .collect();
    assert_eq!(mine.len(), 1, "{v:?}");
    assert!(mine[0]["summary"]
        .as_str()
        .is_some_and(|s| s.contains("逾期未分派")));
    // Nothing of the reporter in it.
    assert!(!mine[0].to_string().contains(crate::complaints::NAME));
}

#[actix_web::test]
async fn attempts_not_covered_elsewhere_are_recorded() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "inspector.city", "sr.city"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    // A certificate issued in the future (clock skew or a back-dated intake).
    let tags: Vec<String> = (0..2).map(|i| format!("2441803{:08}", 7300 + i)).collect();
    let cert = c
        .certificate("CERT-FUTURE", "animal_b", "cattle", 2, &tags, -3)
        .await;
    if cert.status == StatusCode::CREATED {
        let r = c.intake("CERT-FUTURE", "cattle", 2, 0, &tags).await;
        assert_eq!(r.code(), "certificate_not_yet_valid", "{r:?}");
        assert!(!items(
            &app,
            "inspector.city",
            "rule=certificate_not_yet_valid&source=attempt"
        )
        .await
        .is_empty());
    } else {
        assert_eq!(cert.status, StatusCode::UNPROCESSABLE_ENTITY, "{cert:?}");
    }
    // A licence that starts next year: nothing may be taken in yet.
    let sr = app.token("sr.city");
    let mut d = designation("未生效测试厂", "baiyun", 63);
    d["licence_valid_from"] = json!(today() + chrono::Days::new(30));
    let r = app.post("/api/v1/slaughterhouses", Some(&sr), d).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let house = id_of(&r);
    let mut app = app;
    app.make_user("sh.future", niuyang::policy::Role::Slaughterhouse, &house);
    let f = Chain::at(&app, "未生效测试厂", "sh.future");
    let t2: Vec<String> = (0..1).map(|i| format!("2441803{:08}", 7400 + i)).collect();
    let cert = f
        .certificate("CERT-LIC", "animal_b", "cattle", 1, &t2, 0)
        .await;
    let refused = if cert.status == StatusCode::CREATED {
        f.intake("CERT-LIC", "cattle", 1, 0, &t2).await
    } else {
        cert
    };
    assert_eq!(refused.code(), "licence_not_yet_valid", "{refused:?}");
    let v = items(&app, "sr.city", "rule=licence_not_yet_valid&source=attempt").await;
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0]["subject_org_id"], house.as_str());
}

#[actix_web::test]
async fn every_complaint_category_names_its_rule() {
    // Each category, substantiated through the API, opens a violation of its own rule linked to the ticket.
    let app = TestApp::with_cast(crate::complaints::CAST).await;
    let stall = app.account("vendor.jiangnan12").org_id.clone();
    let officer = app.account("inspector.haizhu").user_id.clone();
    for (n, category) in [
        "unlicensed_slaughter",
        "unquarantined",
        "failed_inspection",
        "sick_or_dead",
        "water_injected",
        "adulterated",
        "not_in_network",
        "other",
    ]
    .into_iter()
    .enumerate()
    {
        let r = app
            .post(
                "/api/v1/hotline/complaints",
                Some(&app.token("hotline.01")),
                json!({"category": category, "description": "举报内容", "subject_org_id": stall,
                       "work_order_no": format!("GZ12345-CAT-{n}")}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        let id = r.body["id"].as_str().expect("id").to_string();
        let ticket = r.body["ticket_no"].as_str().expect("ticket").to_string();
        for (who, step, body) in [
            ("hotline.01", "dispatch", json!({"officer_id": officer})),
            ("inspector.haizhu", "investigate", json!({})),
            (
                "inspector.haizhu",
                "conclude",
                json!({"substantiated": true, "finding": "查实", "reply": "属实"}),
            ),
        ] {
            let m = app
                .post(
                    &format!("/api/v1/complaints/{id}/{step}"),
                    Some(&app.token(who)),
                    body,
                )
                .await;
            assert_eq!(m.status, StatusCode::OK, "{category} {step}: {m:?}");
        }
        let rule = format!("complaint_{category}");
        let v = items(&app, "inspector.haizhu", &format!("rule={rule}")).await;
        assert_eq!(v.len(), 1, "{rule}");
        assert_eq!(v[0]["complaint_ticket_no"], ticket.as_str());
        assert_eq!(v[0]["source"], "complaint");
        assert_eq!(v[0]["subject_org_id"], stall.as_str());
        assert_eq!(
            v[0]["article"],
            niuyang::violations::rules::complaint_rule(category).article
        );
    }
}

/// The role × endpoint matrix of this module.
#[actix_web::test]
async fn supervision_role_matrix() {
    struct Ctx {
        haizhu_violation: String,
        shop: String,
        house: String,
    }
    let app = TestApp::with_cast(&[MATRIX_CAST, &["vendor.jiangnan12"]].concat()).await;
    let stall = app.account("vendor.jiangnan12").org_id.clone();
    let v = finding(&app, "inspector.city", "inspection_other", &stall, "矩阵用").await;
    let ctx = Ctx {
        haizhu_violation: id_of(&v),
        shop: app.account("vendor.crv").org_id.clone(),
        house: app.org_id(SUIBEI),
    };
    let rows: Vec<(&str, BuildOf<Ctx>, &str)> = vec![
        (
            "list violations",
            row(|_: &Ctx, _| get("/api/v1/violations?status=open".into())),
            "insp=200 insph=200 sr=200 srb=200 mr=200 sh=200 vendor=200 vet=403 admin=403 hotline=403 anon=401",
        ),
        (
            "dashboard counts",
            row(|_: &Ctx, _| get("/api/v1/violations/counts".into())),
            "insp=200 insph=200 sr=200 mr=200 sh=200 vendor=200 vet=403 admin=403 hotline=403 anon=401",
        ),
        (
            "CSV export",
            row(|_: &Ctx, _| get("/api/v1/violations/export.csv".into())),
            "insp=200 insph=200 sr=200 mr=200 vendor=200 vet=403 admin=403 hotline=403 anon=401",
        ),
        (
            "one violation of a Haizhu stall",
            row(|c: &Ctx, _| get(format!("/api/v1/violations/{}", c.haizhu_violation))),
            "insp=200 insph=200 mr=200 sr=404 srb=404 vendor=404 sh=404 vet=403 admin=403 hotline=403 anon=401",
        ),
        (
            "record a finding at a Tianhe shop",
            row(|c: &Ctx, _| post("/api/v1/violations".into(),
                json!({"rule": "inspection_no_receipt", "subject_org_id": c.shop, "summary": "矩阵"}))),
            "insp=201 mr=201 insph=404 sr=404 srb=404 vendor=403 sh=403 vet=403 admin=403 hotline=403 anon=401",
        ),
        (
            "record a finding at a Baiyun slaughterhouse",
            row(|c: &Ctx, _| post("/api/v1/violations".into(),
                json!({"rule": "inspection_fee_irregular", "subject_org_id": c.house, "summary": "矩阵"}))),
            "insp=201 sr=201 srb=201 insph=404 mr=404 vendor=403 sh=403 vet=403 anon=401",
        ),
        (
            "investigate a Haizhu stall's violation",
            row(|c: &Ctx, _| post(format!("/api/v1/violations/{}/investigate", c.haizhu_violation),
                json!({"reason": "矩阵"}))),
            "sr=404 srb=404 vendor=403 sh=403 vet=403 admin=403 hotline=403 anon=401 insph=201 mr=409 insp=409",
        ),
        (
            "credit score of a Tianhe shop",
            row(|c: &Ctx, _| get(format!("/api/v1/organisations/{}/credit-score", c.shop))),
            "mr=200 insp=200 vendor=200 insph=404 sr=404 sh=404 vet=403 admin=403 hotline=403 anon=401",
        ),
    ];
    let (failures, checked) = run_matrix(&app, &ctx, &rows).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 70, "{checked}");
}

/// Story 4 of domain.md: an inspector lists violations by district, type and date, traces a lot back to the
/// farm certificate and ear tags and its batch forward to every stall that bought from it, recalls the
/// batch, and works the violation to a penalty.
#[actix_web::test]
async fn story_4_inspector_end_to_end() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "vet.chen",
        "vendor.suifeng",
        "vendor.jiangnan12",
        "vendor.shiqiao8",
        "inspector.city",
        "inspector.haizhu",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 6600, &[100_000, 60_000]).await;
    let (trader, trader_token) = buyer(&app, "vendor.suifeng");
    let (stall, stall_token) = buyer(&app, "vendor.jiangnan12");
    let (panyu, _) = buyer(&app, "vendor.shiqiao8");
    let insp = app.token("inspector.city");
    assert_eq!(
        ship(&app, &c.sh, &trader, "S4-1", &[(&ids[0], 80_000)])
            .await
            .status,
        StatusCode::CREATED
    );
    let t = crate::circulation::confirm(&app, &trader_token, &codes[0], 80_000, None).await;
    assert_eq!(t.status, StatusCode::CREATED, "{t:?}");
    for (to, voucher, w) in [(&stall, "S4-2", 30_000), (&panyu, "S4-3", 20_000)] {
        let s = ship(&app, &trader_token, to, voucher, &[(&ids[0], w)]).await;
        assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    }
    // The stall records more than it was shipped (refused, an attempt), then the right weight.
    let over = crate::circulation::confirm(&app, &stall_token, &codes[0], 35_000, None).await;
    assert_eq!(over.code(), "exceeds_shipped_weight", "{over:?}");
    let ok = crate::circulation::confirm(&app, &stall_token, &codes[0], 30_000, None).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{ok:?}");
    // An inspection at the stall finds the day's certificates not on show.
    let found = finding(
        &app,
        "inspector.haizhu",
        "inspection_no_certificates_shown",
        &stall,
        "检查时未明示当日检疫证明",
    )
    .await;
    assert_eq!(found.status, StatusCode::CREATED, "{found:?}");

    // 1. Violations by district, type and date.
    let t0 = today();
    let haizhu = items(
        &app,
        "inspector.city",
        &format!("district=haizhu&from={t0}&to={t0}"),
    )
    .await;
    let rules: Vec<&str> = haizhu.iter().filter_map(|v| v["rule"].as_str()).collect();
    assert!(rules.contains(&"exceeds_shipped_weight"), "{rules:?}");
    assert!(
        rules.contains(&"inspection_no_certificates_shown"),
        "{rules:?}"
    );
    let attempts = items(
        &app,
        "inspector.city",
        &format!("district=haizhu&rule=exceeds_shipped_weight&source=attempt&from={t0}"),
    )
    .await;
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["subject_org_id"], stall.as_str());
    let counts = app
        .get(&format!("/api/v1/violations/counts?from={t0}"), Some(&insp))
        .await;
    assert!(counts.body["by_district"]
        .as_array()
        .expect("districts")
        .iter()
        .any(|d| d["key"] == "haizhu" && d["count"].as_i64().unwrap_or(0) >= 2));

    // 2. Back from the stall's lot to the farm certificate and the ear tags.
    let back = app
        .get(
            &format!("/api/v1/trace/backward?trace_code={}", codes[0]),
            Some(&insp),
        )
        .await;
    assert_eq!(back.status, StatusCode::OK, "{back:?}");
    let nodes = back.body["nodes"].as_array().expect("nodes");
    let kinds = |k: &str| nodes.iter().filter(|n| n["kind"] == k).count();
    assert_eq!(kinds("animal_certificate"), 1);
    assert_eq!(kinds("ear_tag"), 2);
    assert!(nodes
        .iter()
        .any(|n| n["kind"] == "animal_certificate"
            && n["attrs"]["origin_place"] == "广东省清远市清新区"));
    let batch = nodes
        .iter()
        .find(|n| n["kind"] == "batch")
        .and_then(|n| n["id"].as_str())
        .and_then(|id| id.strip_prefix("batch:"))
        .expect("batch")
        .to_string();

    // 3. Forward from the batch to every stall that bought from it, with what each still has.
    let fwd = app
        .get(
            &format!("/api/v1/trace/forward?batch_id={batch}"),
            Some(&insp),
        )
        .await;
    assert_eq!(fwd.status, StatusCode::OK, "{fwd:?}");
    let orgs: Vec<&str> = fwd.body["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    for o in [&trader, &stall, &panyu] {
        assert!(orgs.contains(&format!("org:{o}").as_str()), "{o} reached");
    }
    let svg = app
        .get(
            &format!("/api/v1/trace/forward?batch_id={batch}&format=svg"),
            Some(&insp),
        )
        .await;
    assert!(svg
        .body
        .as_str()
        .is_some_and(|s| s.starts_with("<svg") || s.contains("<svg")));

    // 4. Recall the batch: every lot recalled at once; every holder notified, recorded or not.
    let r = app
        .post(
            &format!("/api/v1/batches/{batch}/recalls"),
            Some(&insp),
            json!({"reason": "抽检发现违禁药物残留"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    for code in &codes {
        let v = app.get(&format!("/api/v1/verify/{code}"), None).await;
        assert_eq!(v.body["status"], "recalled", "{code}");
    }
    let holders: Vec<&str> = r.body["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .filter_map(|n| n["holder_id"].as_str())
        .collect();
    for o in [&trader, &stall, &panyu] {
        assert!(holders.contains(&o.as_str()), "{o} notified: {holders:?}");
    }
    let mine = app.get("/api/v1/notifications", Some(&stall_token)).await;
    assert_eq!(mine.status, StatusCode::OK, "{mine:?}");
    assert!(mine.body.to_string().contains("抽检发现违禁药物残留"));

    // 5. The attempt is investigated and penalised; it lands in the stall's credit file.
    let vid = attempts[0]["id"].as_str().expect("id");
    for (step, body) in [
        ("investigate", json!({"reason": "调取台账核查"})),
        (
            "penalise",
            json!({"reason": "虚报进货重量，责令改正", "fine_fen": 200_000}),
        ),
    ] {
        let m = app
            .post(
                &format!("/api/v1/violations/{vid}/{step}"),
                Some(&insp),
                body,
            )
            .await;
        assert_eq!(m.status, StatusCode::CREATED, "{step}: {m:?}");
    }
    let penalised = items(
        &app,
        "inspector.city",
        &format!("status=penalised&subject_org_id={stall}"),
    )
    .await;
    assert!(penalised.iter().any(|v| v["id"] == vid));
    let file = app
        .get(
            &format!("/api/v1/organisations/{stall}/credit-events"),
            Some(&insp),
        )
        .await;
    assert!(file.body.to_string().contains("violation_penalised"));
}

/// The scheduled rules run from the command line (`niuyang sweep`) and inside the service, on the same
/// database the API wrote.
#[actix_web::test]
async fn the_sweep_runs_from_the_command_line_and_in_the_service() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "inspector.city"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let tags: Vec<String> = (0..4).map(|i| format!("2441803{:08}", 7500 + i)).collect();
    // A 动物B certificate issued three days ago (valid on its day of issue only); no animal ever arrived.
    let cert = c
        .certificate("CERT-GONE", "animal_b", "cattle", 4, &tags, 72)
        .await;
    assert_eq!(cert.status, StatusCode::CREATED, "{cert:?}");
    let dir = tempfile::tempdir().expect("dir");
    let run = || {
        let out = crate::cli::niuyang(&app.db, dir.path())
            .arg("sweep")
            .output()
            .expect("sweep");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).expect("json")
    };
    let first = run();
    assert_eq!(first["heads_unaccounted"], 1, "{first}");
    assert_eq!(run()["heads_unaccounted"], 0);
    let v = items(&app, "inspector.city", "rule=heads_unaccounted").await;
    assert_eq!(v.len(), 1);
    assert!(v[0]["summary"]
        .as_str()
        .is_some_and(|s| s.contains("CERT-GONE")));

    // The service sweeps at start-up, then every NIUYANG_RULES_SWEEP_SECS.
    let server = crate::cli::Server::start(&app.db, dir.path());
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let (out, err) = server.stop();
    assert!(
        format!("{out}{err}").contains("scheduled rules swept"),
        "{out}\n{err}"
    );
}
