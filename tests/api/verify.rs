//! Consumer verification: every status and the precedence, the page a phone opens, the Digital Link
//! address, and a recall showing at once despite the cache.

use actix_web::http::StatusCode;
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::build::*;
use crate::common::*;
use crate::slaughter::Chain;

#[actix_web::test]
async fn every_status_and_the_precedence() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "inspector.city"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let batch = c.ready_batch(4000, 2, 400_000).await;
    let made = c.lots(&batch, &[100_000, 100_000, 100_000, 100_000]).await;
    let ids: Vec<String> = made
        .body
        .as_array()
        .expect("lots")
        .iter()
        .map(|l| l["id"].as_str().expect("id").to_string())
        .collect();
    let codes: Vec<String> = made
        .body
        .as_array()
        .expect("lots")
        .iter()
        .map(|l| l["trace_code"].as_str().expect("code").to_string())
        .collect();
    let status = |code: String| {
        let app = &app;
        async move {
            let r = app.get(&format!("/api/v1/verify/{code}"), None).await;
            assert_eq!(r.status, StatusCode::OK, "{r:?}");
            r.body
        }
    };

    // Valid, with everything a shopper may see and nothing personal.
    let v = status(codes[0].clone()).await;
    assert_eq!(v["status"], "valid");
    assert_eq!(v["title"], "检疫检验合格，可放心购买");
    assert!(v["copied_label_warning"].is_null());
    let lot = &v["lot"];
    assert_eq!(lot["slaughterhouse"]["name"], SUIBEI);
    assert_eq!(lot["slaughterhouse"]["district"], "白云区");
    assert_eq!(lot["slaughterhouse"]["in_network_today"], true);
    assert_eq!(lot["origins"][0]["certificate_type"], "动物B");
    assert_eq!(lot["origins"][0]["place"], "广东省清远市清新区");
    assert_eq!(lot["product_certificate"]["kind"], "产品B");
    assert_eq!(lot["product_certificate"]["issuer"], "广州市动物卫生监督所");
    assert_eq!(lot["inspection_certificate"]["issuer"], SUIBEI);
    assert_eq!(lot["weight_g"], 100_000);
    assert_eq!(lot["chain"][0]["kind"], "定点屠宰厂");
    let text = v.to_string();
    assert!(
        !text.contains("陈某某"),
        "no private person's name (the certificate's owner)"
    );
    // Lower case with hyphens verifies the same.
    let typed = format!("{}-{}", &codes[0][..6], &codes[0][6..]).to_lowercase();
    assert_eq!(status(typed).await["status"], "valid");

    // Mistyped and unknown.
    let mut wrong: Vec<char> = codes[0].chars().collect();
    wrong[0] = if wrong[0] == '1' { '2' } else { '1' };
    assert_eq!(status(wrong.iter().collect()).await["status"], "mistyped");
    let unknown = status(niuyang::lots::trace_code::generate()).await;
    assert_eq!(unknown["status"], "unknown");
    assert!(unknown["lot"].is_null());

    // Expired: the use-by date moved into the past behind the service's back (time passing).
    let expire = |id: &str| {
        app.db
            .raw()
            .batch_execute(&format!(
                "UPDATE lots SET use_by = '2020-01-01' WHERE id = '{id}'"
            ))
            .expect("expire");
    };
    expire(&ids[1]);
    assert_eq!(status(codes[1].clone()).await["status"], "expired");

    // Recalled beats expired; disposed beats recalled.
    let recall = |id: String| {
        let app = &app;
        async move {
            let r = app
                .post(
                    &format!("/api/v1/lots/{id}/recalls"),
                    Some(&app.token("inspector.city")),
                    json!({"reason": "召回"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        }
    };
    expire(&ids[2]);
    recall(ids[2].clone()).await;
    assert_eq!(status(codes[2].clone()).await["status"], "recalled");
    recall(ids[3].clone()).await;
    let vet = app.account("vet.chen").user_id.clone();
    let d = app
        .post(
            "/api/v1/disposals",
            Some(&c.sh),
            json!({"target": "lot", "lot_id": ids[3], "reason": "recall", "method": "incineration",
                   "weight_g": 100_000, "handler": "厂内", "supervising_vet_id": vet}),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{d:?}");
    let disposed = status(codes[3].clone()).await;
    assert_eq!(disposed["status"], "disposed");
    assert_eq!(disposed["title_en"], "Disposed of: should not be on sale");
}

#[actix_web::test]
async fn a_recall_shows_at_once_on_a_cached_code_and_reaches_split_lots() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "vendor.suifeng", "sr.city"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let batch = c.ready_batch(4100, 2, 100_000).await;
    let made = c.lots(&batch, &[100_000]).await;
    let id = made.body[0]["id"].as_str().expect("id").to_string();
    let code = made.body[0]["trace_code"]
        .as_str()
        .expect("code")
        .to_string();
    // A holder splits it; the child verifies with its own code.
    let trader = app.account("vendor.suifeng").clone();
    app.post(
        "/api/v1/shipments",
        Some(&c.sh),
        json!({"buyer_id": trader.org_id, "voucher_no": "V-1", "lines": [{"lot_id": id, "weight_g": 100_000, "unit_price_fen": 1}]}),
    )
    .await;
    app.post(
        "/api/v1/ledger/entries",
        Some(&trader.token),
        json!({"scanned": code, "weight_g": 100_000}),
    )
    .await;
    let split = app
        .post(
            &format!("/api/v1/lots/{id}/splits"),
            Some(&trader.token),
            json!({"children": [{"weight_g": 10_000}]}),
        )
        .await;
    let child = split.body[0]["trace_code"]
        .as_str()
        .expect("code")
        .to_string();
    let before = app.get(&format!("/api/v1/verify/{child}"), None).await;
    assert_eq!(before.body["status"], "valid");
    let chain: Vec<&str> = before.body["lot"]["chain"]
        .as_array()
        .expect("chain")
        .iter()
        .filter_map(|h| h["kind"].as_str())
        .collect();
    assert_eq!(chain, ["定点屠宰厂", "批发市场经营户"], "by kind, no names");
    assert_eq!(
        app.get(&format!("/api/v1/verify/{code}"), None).await.body["status"],
        "valid"
    );
    // Both are cached now; the recall of the parent shows on both at once.
    app.post(
        &format!("/api/v1/lots/{id}/recalls"),
        Some(&app.token("sr.city")),
        json!({"reason": "召回"}),
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/verify/{code}"), None).await.body["status"],
        "recalled"
    );
    assert_eq!(
        app.get(&format!("/api/v1/verify/{child}"), None).await.body["status"],
        "recalled"
    );
}

#[actix_web::test]
async fn the_page_in_the_label_and_the_digital_link() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let batch = c.ready_batch(4200, 2, 100_000).await;
    let made = app
        .post(
            &format!("/api/v1/batches/{batch}/lots"),
            Some(&c.sh),
            json!({"lots": [{"product_kind": "cuts", "product_name": "牛腩", "weight_g": 50_000, "storage": "chilled",
                              "gtin": "06901234567892"}]}),
        )
        .await;
    let code = made.body[0]["trace_code"]
        .as_str()
        .expect("code")
        .to_string();
    let page = app.get(&format!("/t/{code}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().unwrap_or("").to_string();
    assert!(html.contains("lang=\"zh-CN\""));
    assert!(html.contains("检疫检验合格，可放心购买"));
    assert!(html.contains("#1b7f3b"), "green banner");
    assert!(html.contains(SUIBEI));
    assert!(
        html.contains(&format!("/complaints/new?code={code}")),
        "a link to report a problem"
    );
    assert!(html.contains("?lang=en"));
    assert!(!html.contains("<script"), "works without JavaScript");
    let english = app.get(&format!("/t/{code}?lang=en"), None).await;
    assert!(english
        .body
        .as_str()
        .unwrap_or("")
        .contains("Passed quarantine and inspection"));
    let unknown = app
        .get(
            &format!("/t/{}", niuyang::lots::trace_code::generate()),
            None,
        )
        .await;
    let html = unknown.body.as_str().unwrap_or("").to_string();
    assert!(
        html.contains("查无此码") && html.contains("#f2a900"),
        "amber, with what to do"
    );

    let link = app
        .get(&format!("/01/06901234567892/10/{code}"), None)
        .await;
    assert_eq!(link.status, StatusCode::OK);
    assert!(link.body.as_str().unwrap_or("").contains("检疫检验合格"));
    let wrong_gtin = app
        .get(&format!("/01/06901234567885/10/{code}"), None)
        .await;
    assert!(wrong_gtin.body.as_str().unwrap_or("").contains("查无此码"));
}

#[actix_web::test]
async fn verification_is_rate_limited_per_client() {
    use actix_web::test::TestRequest;
    let app = TestApp::with_settings(niuyang::config::AuthSettings {
        verify_per_minute: 3,
        trusted_proxies: vec!["10.0.0.1".parse().expect("ip")],
        ..niuyang::config::AuthSettings::default()
    });
    let code = niuyang::lots::trace_code::generate();
    let from = |client: &str| {
        TestRequest::get()
            .uri(&format!("/api/v1/verify/{code}"))
            .peer_addr("10.0.0.1:9000".parse().expect("addr"))
            .insert_header(("x-forwarded-for", client.to_string()))
    };
    for _ in 0..3 {
        assert_eq!(app.send(from("203.0.113.1")).await.status, StatusCode::OK);
    }
    let limited = app.send(from("203.0.113.1")).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "{limited:?}");
    assert_eq!(limited.code(), "too_many_requests");
    let retry: u64 = limited
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&retry));
    // The page counts too; another shopper is not affected.
    let page = app
        .send(
            TestRequest::get()
                .uri(&format!("/t/{code}"))
                .peer_addr("10.0.0.1:9000".parse().expect("addr"))
                .insert_header(("x-forwarded-for", "203.0.113.1")),
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.send(from("203.0.113.2")).await.status, StatusCode::OK);
}
