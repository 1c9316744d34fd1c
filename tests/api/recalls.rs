//! Recalls of a batch and of an animal certificate: every lot and child lot marked at once, every holder
//! notified with what it still has (recorded or not), acknowledgements, reports and disposals, the recall
//! report, withdrawal (with another recall still standing), and who may do what.

use actix_web::http::StatusCode;
use serde_json::{json, Value};

use crate::build::*;
use crate::circulation::{buyer, confirm, lots, ship};
use crate::common::*;
use crate::slaughter::Chain;

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

async fn verify_status(app: &TestApp, code: &str) -> String {
    let r = app.get(&format!("/api/v1/verify/{code}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.body["status"].as_str().expect("status").to_string()
}

async fn batch_of(app: &TestApp, c: &Chain<'_>, lot: &str) -> String {
    let l = app.get(&format!("/api/v1/lots/{lot}"), Some(&c.sh)).await;
    l.body["batch_id"].as_str().expect("batch").to_string()
}

/// The caller's notifications about one lot.
async fn notices(app: &TestApp, token: &str, lot: &str) -> Vec<Value> {
    let r = app
        .get("/api/v1/notifications?limit=200", Some(token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["lot_id"] == lot)
        .cloned()
        .collect()
}

async fn one_notice(app: &TestApp, token: &str, lot: &str) -> Value {
    let n = notices(app, token, lot).await;
    assert_eq!(n.len(), 1, "{n:?}");
    n[0].clone()
}

fn holder<'a>(report: &'a Value, org: &str) -> &'a Value {
    report["holders"]
        .as_array()
        .expect("holders")
        .iter()
        .find(|h| h["org_id"] == org)
        .expect("holder in the report")
}

#[actix_web::test]
async fn a_batch_recall_reaches_every_lot_and_holder_and_reports_what_is_still_out() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "vet.chen",
        "vendor.suifeng",
        "vendor.jiangnan12",
        "vendor.lanzhou",
        "inspector.city",
        "mr.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 7100, &[100_000, 40_000]).await;
    let (p, q) = (ids[0].clone(), ids[1].clone());
    let (trader, trader_token) = buyer(&app, "vendor.suifeng");
    let (stall_a, stall_a_token) = buyer(&app, "vendor.jiangnan12");
    let (stall_b, stall_b_token) = buyer(&app, "vendor.lanzhou");

    // 穗北 → trader: all of P (recorded), 10 kg of Q (never recorded); 穗北 keeps 30 kg of Q.
    let s = ship(&app, &c.sh, &trader, "RC-1", &[(&p, 100_000), (&q, 10_000)]).await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    assert_eq!(
        confirm(&app, &trader_token, &codes[0], 100_000, None)
            .await
            .status,
        StatusCode::CREATED
    );
    // The trader splits 30 kg + 20 kg off P, ships child 1 to stall A (recorded) and 20 kg of P to stall B
    // (never recorded).
    let split = app
        .post(
            &format!("/api/v1/lots/{p}/splits"),
            Some(&trader_token),
            json!({"children": [{"weight_g": 30_000}, {"weight_g": 20_000}]}),
        )
        .await;
    assert_eq!(split.status, StatusCode::CREATED, "{split:?}");
    let c1 = id(&split.body[0]);
    let c1_code = split.body[0]["trace_code"]
        .as_str()
        .expect("code")
        .to_string();
    let c2 = id(&split.body[1]);
    let c2_code = split.body[1]["trace_code"]
        .as_str()
        .expect("code")
        .to_string();
    let s = ship(&app, &trader_token, &stall_a, "RC-2", &[(&c1, 30_000)]).await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    assert_eq!(
        confirm(&app, &stall_a_token, &c1_code, 30_000, None)
            .await
            .status,
        StatusCode::CREATED
    );
    let s = ship(&app, &trader_token, &stall_b, "RC-3", &[(&p, 20_000)]).await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    let all_codes = [codes[0].clone(), codes[1].clone(), c1_code, c2_code];
    for code in &all_codes {
        assert_eq!(verify_status(&app, code).await, "valid");
    }

    // The recall.
    let batch = batch_of(&app, &c, &p).await;
    let inspector = app.token("inspector.city");
    let r = app
        .post(
            &format!("/api/v1/batches/{batch}/recalls"),
            Some(&inspector),
            json!({"reason": "抽检发现瘦肉精阳性"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let recall = r.body["recall"]["id"].as_str().expect("id").to_string();
    assert_eq!(r.body["recall"]["scope"], "batch");
    let reached: Vec<&str> = r.body["lots"]
        .as_array()
        .expect("lots")
        .iter()
        .map(|l| l["lot_id"].as_str().expect("id"))
        .collect();
    assert_eq!(reached.len(), 4);
    for l in [&p, &q, &c1, &c2] {
        assert!(reached.contains(&l.as_str()), "{l} reached");
    }
    assert!(r.body["lots"]
        .as_array()
        .expect("lots")
        .iter()
        .all(|l| l["marked"] == true && l["status"] == "recalled"));
    // Verification says so at once, on cached codes too.
    for code in &all_codes {
        assert_eq!(verify_status(&app, code).await, "recalled", "{code}");
    }

    // Every holder is notified with what it still has.
    let expected = [
        (&c.sh, &q, 30_000),
        (&trader_token, &p, 100_000 - 50_000 - 20_000),
        (&trader_token, &q, 10_000),
        (&trader_token, &c1, 0),
        (&trader_token, &c2, 20_000),
        (&stall_a_token, &c1, 30_000),
        (&stall_b_token, &p, 20_000),
    ];
    assert_eq!(r.body["notices"].as_array().expect("notices").len(), 7);
    for (token, lot, weight) in expected {
        let n = one_notice(&app, token, lot).await;
        assert_eq!(n["weight_to_pull_g"], weight, "{n:?}");
        assert_eq!(n["reason"], "抽检发现瘦肉精阳性");
        assert_eq!(n["acknowledged"], false);
        assert_eq!(n["withdrawn"], false);
    }
    // 穗北 shipped all of P: nothing to pull there, no notice.
    assert!(notices(&app, &c.sh, &p).await.is_empty());
    // Stall B hears nothing of stall A's lot.
    assert!(notices(&app, &stall_b_token, &c1).await.is_empty());

    // Acknowledge once; another organisation's notice is not found.
    let na = one_notice(&app, &stall_a_token, &c1).await;
    let na_id = na["notice_id"].as_str().expect("id").to_string();
    let ack = app
        .post(
            &format!("/api/v1/notifications/{na_id}/acknowledge"),
            Some(&stall_a_token),
            json!({}),
        )
        .await;
    assert_eq!(ack.status, StatusCode::CREATED, "{ack:?}");
    let again = app
        .post(
            &format!("/api/v1/notifications/{na_id}/acknowledge"),
            Some(&stall_a_token),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "already_acknowledged");
    let foreign = app
        .post(
            &format!("/api/v1/notifications/{na_id}/acknowledge"),
            Some(&trader_token),
            json!({}),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    // Reports: pulled 10 kg, disposed of 15 kg.
    let rep = |token: String, notice: String, body: Value| {
        let app = &app;
        async move {
            app.post(
                &format!("/api/v1/notifications/{notice}/reports"),
                Some(&token),
                body,
            )
            .await
        }
    };
    let ok = rep(
        stall_a_token.clone(),
        na_id.clone(),
        json!({"pulled_g": 10_000, "disposed_g": 15_000, "method": "incineration", "note": "已下架封存"}),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{ok:?}");
    assert!(ok.body["disposal_id"].is_string());
    for (body, code) in [
        (json!({"pulled_g": 5_001}), "exceeds_weight_to_pull"),
        (json!({"pulled_g": -1}), "invalid_report"),
        (json!({"pulled_g": 0, "disposed_g": 0}), "invalid_report"),
        (json!({"disposed_g": 1_000}), "method_required"),
        // Weights whose sum would not fit a 64-bit integer are refused, never a crash.
        (
            json!({"pulled_g": i64::MAX, "disposed_g": i64::MAX, "method": "incineration"}),
            "exceeds_weight_to_pull",
        ),
    ] {
        let bad = rep(stall_a_token.clone(), na_id.clone(), body).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert_eq!(bad.code(), code);
    }
    assert_eq!(
        rep(trader_token.clone(), na_id.clone(), json!({"pulled_g": 1}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Stall A's held stock dropped by the 15 kg disposed of: 15 kg left.
    let over = app
        .post(
            &format!("/api/v1/lots/{c1}/holder-disposals"),
            Some(&stall_a_token),
            json!({"weight_g": 15_001, "reason": "recall", "method": "incineration", "handler": "王"}),
        )
        .await;
    assert_eq!(over.code(), "exceeds_holding", "{over:?}");
    // Stall B never recorded its 20 kg, yet it has them, and disposes of 5 kg.
    let nb = one_notice(&app, &stall_b_token, &p).await;
    let nb_id = nb["notice_id"].as_str().expect("id").to_string();
    let ok = rep(
        stall_b_token.clone(),
        nb_id,
        json!({"disposed_g": 5_000, "method": "rendering"}),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{ok:?}");
    // 穗北 pulls its 30 kg; its disposals go through the supervised disposal record.
    let nh = one_notice(&app, &c.sh, &q).await;
    let nh_id = nh["notice_id"].as_str().expect("id").to_string();
    let bad = rep(
        c.sh.clone(),
        nh_id.clone(),
        json!({"disposed_g": 1_000, "method": "incineration"}),
    )
    .await;
    assert_eq!(bad.code(), "dispose_at_slaughterhouse", "{bad:?}");
    let ok = rep(c.sh.clone(), nh_id, json!({"pulled_g": 30_000})).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{ok:?}");

    // The report.
    let report = app
        .get(&format!("/api/v1/recalls/{recall}"), Some(&inspector))
        .await;
    assert_eq!(report.status, StatusCode::OK, "{report:?}");
    let b = &report.body;
    assert_eq!(b["standing"], true);
    assert_eq!(b["lots"].as_array().expect("lots").len(), 4);
    assert_eq!(b["holders"].as_array().expect("holders").len(), 4);
    let a = holder(b, &stall_a);
    assert_eq!(a["acknowledged"], true);
    assert_eq!(a["notices"][0]["acknowledged_by"], "vendor.jiangnan12");
    assert!(a["notices"][0]["acknowledged_at"].is_string());
    assert_eq!(a["weight_to_pull_g"], 30_000);
    assert_eq!(a["pulled_g"], 10_000);
    assert_eq!(a["disposed_g"], 15_000);
    assert_eq!(a["still_out_g"], 5_000);
    assert_eq!(a["holds_now_g"], 15_000);
    let sb = holder(b, &stall_b);
    assert_eq!(sb["acknowledged"], false);
    assert_eq!(sb["still_out_g"], 15_000);
    assert_eq!(sb["holds_now_g"], 15_000);
    let t = holder(b, &trader);
    assert_eq!(t["weight_to_pull_g"], 60_000);
    assert_eq!(t["still_out_g"], 60_000);
    assert_eq!(t["holds_now_g"], 60_000);
    let h = holder(b, &c.house);
    assert_eq!(h["pulled_g"], 30_000);
    assert_eq!(h["still_out_g"], 0);
    assert_eq!(b["totals"]["holders"], 4);
    assert_eq!(b["totals"]["holders_acknowledged"], 1);
    assert_eq!(b["totals"]["weight_to_pull_g"], 140_000);
    assert_eq!(b["totals"]["pulled_g"], 40_000);
    assert_eq!(b["totals"]["disposed_g"], 20_000);
    assert_eq!(b["totals"]["still_out_g"], 80_000);
    // Stall A's notification shows the acknowledgement and what is still out.
    let na = one_notice(&app, &stall_a_token, &c1).await;
    assert_eq!(na["acknowledged"], true);
    assert_eq!(na["still_out_g"], 5_000);

    // Nothing active left to reach: 409.
    let again = app
        .post(
            &format!("/api/v1/batches/{batch}/recalls"),
            Some(&inspector),
            json!({"reason": "再次召回"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "nothing_to_recall");

    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("mr.city")))
        .await;
    assert_eq!(audit.body["ok"], true, "{audit:?}");
}

#[actix_web::test]
async fn a_certificate_recall_reaches_every_batch_drawing_on_it() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "sr.baiyun", "mr.city"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let tags: Vec<String> = (7200..7204).map(|i| format!("2441803{i:08}")).collect();
    let cert = c
        .certificate("CERT-7200", "animal_b", "cattle", 4, &tags, 0)
        .await;
    assert_eq!(cert.status, StatusCode::CREATED, "{cert:?}");
    let cert_id = id(&cert.body);
    let i = c.intake("CERT-7200", "cattle", 4, 0, &tags).await;
    assert_eq!(i.status, StatusCode::CREATED, "{i:?}");
    let intake = id(&i.body);
    assert_eq!(c.check(&intake).await.status, StatusCode::CREATED);
    let mut codes = Vec::new();
    for n in 1..=2 {
        let b = c
            .batch(&format!("CB-{n}"), "cattle", false, &[(&intake, 2)])
            .await;
        assert_eq!(b.status, StatusCode::CREATED, "{b:?}");
        let batch = id(&b.body);
        assert_eq!(
            c.quarantine(&batch, 2, 0, &format!("PB-72{n}"))
                .await
                .status,
            StatusCode::CREATED
        );
        assert_eq!(
            c.inspect(&batch, &format!("JY-72{n}"), 50_000, true)
                .await
                .status,
            StatusCode::CREATED
        );
        let l = c.lots(&batch, &[50_000]).await;
        assert_eq!(l.status, StatusCode::CREATED, "{l:?}");
        codes.push(l.body[0]["trace_code"].as_str().expect("code").to_string());
    }
    let (_, other) = lots(&c, 7300, &[50_000]).await;

    let r = app
        .post(
            &format!("/api/v1/animal-certificates/{cert_id}/recalls"),
            Some(&app.token("sr.baiyun")),
            json!({"reason": "产地疫情"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    assert_eq!(r.body["recall"]["scope"], "animal_certificate");
    assert_eq!(r.body["lots"].as_array().expect("lots").len(), 2);
    for code in &codes {
        assert_eq!(verify_status(&app, code).await, "recalled");
    }
    assert_eq!(verify_status(&app, &other[0]).await, "valid");
    // 穗北 holds both lots: two notices of 50 kg.
    let n = app.get("/api/v1/notifications", Some(&c.sh)).await;
    let mine: Vec<&Value> = n.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["recall_id"] == r.body["recall"]["id"])
        .collect();
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|n| n["weight_to_pull_g"] == 50_000));
    let again = app
        .post(
            &format!("/api/v1/animal-certificates/{cert_id}/recalls"),
            Some(&app.token("sr.baiyun")),
            json!({"reason": "产地疫情"}),
        )
        .await;
    assert_eq!(again.code(), "nothing_to_recall");
}

#[actix_web::test]
async fn a_withdrawn_recall_stops_counting_unless_another_stands() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "vet.chen",
        "inspector.city",
        "sr.baiyun",
        "mr.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 7400, &[60_000, 40_000]).await;
    let inspector = app.token("inspector.city");
    let lot_recall = app
        .post(
            &format!("/api/v1/lots/{}/recalls", ids[0]),
            Some(&inspector),
            json!({"reason": "标签不符"}),
        )
        .await;
    assert_eq!(lot_recall.status, StatusCode::CREATED, "{lot_recall:?}");
    let first = lot_recall.body["recall"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let batch = batch_of(&app, &c, &ids[0]).await;
    let r = app
        .post(
            &format!("/api/v1/batches/{batch}/recalls"),
            Some(&inspector),
            json!({"reason": "误判"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let second = r.body["recall"]["id"].as_str().expect("id").to_string();
    // The lot already recalled is marked again.
    assert!(r.body["lots"]
        .as_array()
        .expect("lots")
        .iter()
        .all(|l| l["marked"] == true));
    for code in &codes {
        assert_eq!(verify_status(&app, code).await, "recalled");
    }

    let path = format!("/api/v1/recalls/{second}/withdraw");
    let no_reason = app
        .post(&path, Some(&inspector), json!({"reason": " "}))
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = app.post(&path, Some(&inspector), json!({})).await;
    assert!(missing.status.is_client_error(), "{missing:?}");
    let w = app
        .post(
            &path,
            Some(&app.token("sr.baiyun")),
            json!({"reason": "检测结果复核为阴性"}),
        )
        .await;
    assert_eq!(w.status, StatusCode::CREATED, "{w:?}");
    assert_eq!(w.body["standing"], false);
    assert_eq!(w.body["withdrawal"]["reason"], "检测结果复核为阴性");
    // The first recall still stands over lot 0; lot 1 is valid again.
    assert_eq!(verify_status(&app, &codes[0]).await, "recalled");
    assert_eq!(verify_status(&app, &codes[1]).await, "valid");
    let twice = app
        .post(&path, Some(&inspector), json!({"reason": "再次撤销"}))
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(twice.code(), "recall_withdrawn");
    // The holder sees the withdrawal, and reports under it are refused.
    let n: Vec<Value> = notices(&app, &c.sh, &ids[1]).await;
    assert_eq!(n.len(), 1);
    assert_eq!(n[0]["withdrawn"], true);
    assert_eq!(n[0]["withdrawal_reason"], "检测结果复核为阴性");
    let late = app
        .post(
            &format!(
                "/api/v1/notifications/{}/reports",
                n[0]["notice_id"].as_str().expect("id")
            ),
            Some(&c.sh),
            json!({"pulled_g": 1}),
        )
        .await;
    assert_eq!(late.code(), "recall_withdrawn");

    let w = app
        .post(
            &format!("/api/v1/recalls/{first}/withdraw"),
            Some(&inspector),
            json!({"reason": "标签已更正"}),
        )
        .await;
    assert_eq!(w.status, StatusCode::CREATED, "{w:?}");
    assert_eq!(verify_status(&app, &codes[0]).await, "valid");
    let list = app.get("/api/v1/recalls", Some(&inspector)).await;
    let items = list.body["items"].as_array().expect("items");
    for rid in [&first, &second] {
        let item = items
            .iter()
            .find(|i| i["id"] == rid.as_str())
            .expect("listed");
        assert_eq!(item["standing"], false);
    }
    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("mr.city")))
        .await;
    assert_eq!(audit.body["ok"], true, "{audit:?}");
}

#[actix_web::test]
async fn who_may_recall_withdraw_read_reports_and_notifications() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "sh.yunan",
        "vet.chen",
        "vendor.suifeng",
        "vendor.jiangnan12",
        "demo.admin",
        "hotline.01",
        "inspector.haizhu",
        "mr.haizhu",
        "sr.baiyun",
        "inspector.city",
        "mr.city",
        "sr.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, _) = lots(&c, 7500, &[50_000]).await;
    let (trader, _) = buyer(&app, "vendor.suifeng");
    ship(&app, &c.sh, &trader, "RM-1", &[(&ids[0], 20_000)]).await;
    let batch = batch_of(&app, &c, &ids[0]).await;
    let recall_path = format!("/api/v1/batches/{batch}/recalls");
    let body = json!({"reason": "矩阵"});
    for (user, status) in [
        (Some("vendor.suifeng"), StatusCode::FORBIDDEN),
        (Some("sh.suibei"), StatusCode::FORBIDDEN),
        (Some("vet.chen"), StatusCode::FORBIDDEN),
        (Some("demo.admin"), StatusCode::FORBIDDEN),
        (Some("hotline.01"), StatusCode::FORBIDDEN),
        (None, StatusCode::UNAUTHORIZED),
        (Some("inspector.haizhu"), StatusCode::NOT_FOUND),
        (Some("mr.haizhu"), StatusCode::NOT_FOUND),
    ] {
        let token = user.map(|u| app.token(u));
        let r = app.post(&recall_path, token.as_deref(), body.clone()).await;
        assert_eq!(r.status, status, "{user:?} {r:?}");
    }
    let r = app
        .post(&recall_path, Some(&app.token("sr.baiyun")), body.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let recall = r.body["recall"]["id"].as_str().expect("id").to_string();
    // An unknown batch or certificate is not found.
    let unknown = uuid::Uuid::new_v4();
    for path in [
        format!("/api/v1/batches/{unknown}/recalls"),
        format!("/api/v1/animal-certificates/{unknown}/recalls"),
    ] {
        let r = app
            .post(&path, Some(&app.token("inspector.city")), body.clone())
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }

    // The report.
    let report = format!("/api/v1/recalls/{recall}");
    for (user, status) in [
        (Some("inspector.city"), StatusCode::OK),
        (Some("sr.baiyun"), StatusCode::OK),
        (Some("mr.city"), StatusCode::OK),
        (Some("inspector.haizhu"), StatusCode::NOT_FOUND),
        (Some("vendor.suifeng"), StatusCode::FORBIDDEN),
        (Some("sh.suibei"), StatusCode::FORBIDDEN),
        (Some("vet.chen"), StatusCode::FORBIDDEN),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let token = user.map(|u| app.token(u));
        let r = app.get(&report, token.as_deref()).await;
        assert_eq!(r.status, status, "{user:?} {r:?}");
    }
    let listed = |user: &'static str| {
        let app = &app;
        let recall = recall.clone();
        async move {
            let r = app.get("/api/v1/recalls", Some(&app.token(user))).await;
            assert_eq!(r.status, StatusCode::OK, "{r:?}");
            r.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|i| i["id"] == recall.as_str())
        }
    };
    assert!(listed("sr.city").await);
    assert!(listed("sr.baiyun").await);
    assert!(!listed("inspector.haizhu").await);

    // Withdrawal.
    let withdraw = format!("/api/v1/recalls/{recall}/withdraw");
    for (user, status) in [
        (Some("vendor.suifeng"), StatusCode::FORBIDDEN),
        (Some("sh.suibei"), StatusCode::FORBIDDEN),
        (Some("inspector.haizhu"), StatusCode::NOT_FOUND),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let token = user.map(|u| app.token(u));
        let r = app
            .post(&withdraw, token.as_deref(), json!({"reason": "矩阵"}))
            .await;
        assert_eq!(r.status, status, "{user:?} {r:?}");
    }

    // Notifications: vendors and slaughterhouses, their own organisation's only.
    for (user, status) in [
        (Some("vet.chen"), StatusCode::FORBIDDEN),
        (Some("inspector.city"), StatusCode::FORBIDDEN),
        (Some("sr.city"), StatusCode::FORBIDDEN),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let token = user.map(|u| app.token(u));
        let r = app.get("/api/v1/notifications", token.as_deref()).await;
        assert_eq!(r.status, status, "{user:?} {r:?}");
    }
    let trader_notice = one_notice(&app, &app.token("vendor.suifeng"), &ids[0]).await;
    assert_eq!(trader_notice["weight_to_pull_g"], 20_000);
    assert_eq!(
        one_notice(&app, &c.sh, &ids[0]).await["weight_to_pull_g"],
        30_000
    );
    assert!(notices(&app, &app.token("vendor.jiangnan12"), &ids[0])
        .await
        .is_empty());
    let nid = trader_notice["notice_id"].as_str().expect("id");
    for user in ["vendor.jiangnan12", "sh.yunan"] {
        let r = app
            .post(
                &format!("/api/v1/notifications/{nid}/acknowledge"),
                Some(&app.token(user)),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        let r = app
            .post(
                &format!("/api/v1/notifications/{nid}/reports"),
                Some(&app.token(user)),
                json!({"pulled_g": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
    }
    let r = app
        .post(
            &format!("/api/v1/notifications/{nid}/acknowledge"),
            Some(&app.token("inspector.city")),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
