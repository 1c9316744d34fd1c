//! Copied-label signals: each verification is counted (with the stall it came from), and each of the three
//! signals, once its threshold is crossed, becomes a violation against the lot's last holders and a warning
//! on every later verification.

use actix_web::http::StatusCode;
use diesel::connection::SimpleConnection;
use serde_json::Value;

use crate::build::*;
use crate::circulation::{buyer, confirm, lots, ship};
use crate::common::*;
use crate::slaughter::Chain;

async fn verify(app: &TestApp, code: &str, stall: Option<&str>) -> Value {
    let path = match stall {
        Some(s) => format!("/api/v1/verify/{code}?stall={s}"),
        None => format!("/api/v1/verify/{code}"),
    };
    let r = app.get(&path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.body
}

async fn violations_of(app: &TestApp, rule: &str) -> Vec<Value> {
    let r = app
        .get(
            &format!("/api/v1/violations?rule={rule}"),
            Some(&app.token("inspector.city")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.body["items"].as_array().expect("items").clone()
}

#[actix_web::test]
async fn a_label_verified_from_a_stall_that_never_received_the_lot() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "vet.chen",
        "vendor.suifeng",
        "vendor.jiangnan12",
        "vendor.shiqiao8",
        "inspector.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 7100, &[50_000]).await;
    let (trader, trader_token) = buyer(&app, "vendor.suifeng");
    let (stall, stall_token) = buyer(&app, "vendor.jiangnan12");
    let (other_stall, _) = buyer(&app, "vendor.shiqiao8");
    let s = ship(&app, &c.sh, &trader, "SIG-1", &[(&ids[0], 50_000)]).await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    assert_eq!(
        confirm(&app, &trader_token, &codes[0], 50_000, None)
            .await
            .status,
        StatusCode::CREATED
    );
    let s = ship(&app, &trader_token, &stall, "SIG-2", &[(&ids[0], 20_000)]).await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    assert_eq!(
        confirm(&app, &stall_token, &codes[0], 20_000, None)
            .await
            .status,
        StatusCode::CREATED
    );

    // From the stall that received it: no signal, however many times.
    for _ in 0..5 {
        verify(&app, &codes[0], Some(&stall)).await;
    }
    // From another stall: below the threshold (3), nothing yet.
    verify(&app, &codes[0], Some(&other_stall)).await;
    verify(&app, &codes[0], Some(&other_stall)).await;
    assert_eq!(app.flush_verifications(), 0);
    assert!(violations_of(&app, "copied_label_foreign_stall")
        .await
        .is_empty());
    assert!(verify(&app, &codes[0], None).await["copied_label_warning"].is_null());

    // The counts are kept per lot, stall and minute, with nothing personal.
    let counted: i64 = app
        .state
        .db
        .read_now(|conn| {
            use diesel::prelude::*;
            use niuyang::schema::verification_counts as vc;
            Ok(vc::table
                .filter(vc::stall_id.eq(other_stall.clone()))
                .select(vc::hits)
                .load::<i64>(conn)?
                .into_iter()
                .sum())
        })
        .expect("counts");
    assert_eq!(counted, 2);

    // The third crosses it: a violation against the last holder (the stall), a warning in both languages.
    verify(&app, &codes[0], Some(&other_stall)).await;
    assert_eq!(app.flush_verifications(), 1);
    let v = violations_of(&app, "copied_label_foreign_stall").await;
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0]["subject_org_id"], stall);
    assert_eq!(v[0]["article"], "七");
    assert_eq!(v[0]["source"], "detected");
    let records = v[0]["records"].to_string();
    assert!(
        records.contains(&ids[0]) && records.contains(&other_stall),
        "{records}"
    );
    let after = verify(&app, &codes[0], None).await;
    assert_eq!(after["status"], "valid", "a warning on top of the status");
    assert!(
        after["copied_label_warning"]
            .as_str()
            .is_some_and(|w| w.contains("假冒")),
        "{after}"
    );
    assert!(after["copied_label_warning_en"]
        .as_str()
        .is_some_and(|w| w.contains("copied")));
    let page = app.get(&format!("/t/{}", codes[0]), None).await;
    assert!(page
        .body
        .as_str()
        .is_some_and(|h| h.contains("class=\"warn\"")));
    // Recorded once per lot and signal.
    for _ in 0..4 {
        verify(&app, &codes[0], Some(&other_stall)).await;
    }
    assert_eq!(app.flush_verifications(), 0);
    assert_eq!(
        violations_of(&app, "copied_label_foreign_stall")
            .await
            .len(),
        1
    );
    // A stall id that is not a registered buyer is not counted as a context.
    verify(&app, &codes[0], Some("not-a-uuid")).await;
    verify(&app, &codes[0], Some(&uuid::Uuid::new_v4().to_string())).await;
    assert_eq!(app.flush_verifications(), 0);
}

#[actix_web::test]
async fn a_label_verified_after_use_by_with_all_stock_gone() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "vet.chen",
        "vendor.jiangnan12",
        "inspector.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let (ids, codes) = lots(&c, 7200, &[30_000, 30_000]).await;
    let (stall, stall_token) = buyer(&app, "vendor.jiangnan12");
    for (i, id) in ids.iter().enumerate() {
        let s = ship(&app, &c.sh, &stall, &format!("SIG-L{i}"), &[(id, 30_000)]).await;
        assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
        assert_eq!(
            confirm(&app, &stall_token, &codes[i], 30_000, None)
                .await
                .status,
            StatusCode::CREATED
        );
    }
    // The stall sells all of the first lot, and part of the second.
    for (i, w) in [(0, 30_000), (1, 10_000)] {
        let r = app
            .post(
                "/api/v1/receipts",
                Some(&stall_token),
                serde_json::json!({"lines": [{"lot_id": ids[i], "weight_g": w, "price_fen": 1000}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    }
    // Time passes: both are past their use-by dates.
    app.db
        .raw()
        .batch_execute(&format!(
            "UPDATE lots SET use_by = '2020-01-01' WHERE id IN ('{}', '{}')",
            ids[0], ids[1]
        ))
        .expect("expire");
    for _ in 0..5 {
        assert_eq!(verify(&app, &codes[0], None).await["status"], "expired");
        verify(&app, &codes[1], None).await;
    }
    assert_eq!(
        app.flush_verifications(),
        1,
        "only the lot with no stock left"
    );
    let v = violations_of(&app, "copied_label_after_stock").await;
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0]["subject_org_id"], stall);
    assert!(v[0]["records"].to_string().contains(&ids[0]));
    let warned = verify(&app, &codes[0], None).await;
    assert_eq!(warned["status"], "expired");
    assert!(warned["copied_label_warning"].is_string());
    assert!(verify(&app, &codes[1], None).await["copied_label_warning"].is_null());
}

#[actix_web::test]
async fn far_more_verifications_than_the_weight_explains() {
    let rules = niuyang::config::RuleSettings {
        copied_label_scans_per_kg: 2,
        copied_label_min_scans: 6,
        ..niuyang::config::RuleSettings::default()
    };
    let app =
        TestApp::with_rules_and_cast(rules, &["sh.suibei", "vet.chen", "inspector.city"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    // 2.5 kg: up to max(3 kg × 2, 6) = 6 verifications are explained; a 10 kg lot explains 20.
    let (ids, codes) = lots(&c, 7300, &[2_500, 10_000]).await;
    for _ in 0..6 {
        verify(&app, &codes[0], None).await;
        verify(&app, &codes[1], None).await;
    }
    assert_eq!(app.flush_verifications(), 0);
    verify(&app, &codes[0], None).await;
    verify(&app, &codes[1], None).await;
    // Never shipped: the slaughterhouse is the last holder.
    assert_eq!(app.flush_verifications(), 1);
    let v = violations_of(&app, "copied_label_scan_volume").await;
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0]["subject_org_id"], app.org_id(SUIBEI));
    assert!(v[0]["records"].to_string().contains(&ids[0]));
    assert!(
        v[0]["summary"].as_str().is_some_and(|s| s.contains("7 次")),
        "{v:?}"
    );
}
