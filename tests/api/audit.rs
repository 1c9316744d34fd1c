//! The audit trail: every write leaves a chained entry, and each way of tampering is caught and named.

use actix_web::http::StatusCode;
use diesel::connection::SimpleConnection;
use serde_json::Value;

use crate::common::*;

/// An application with an admin and a few audited writes; returns it with the admin's token.
fn small_app() -> (TestApp, String) {
    let app = TestApp::empty();
    niuyang::bootstrap::ensure_admin(&app.state.db, Some("Admin-password-1")).expect("admin");
    app.state
        .db
        .write_now(|c| {
            use niuyang::organisations::model::{District, OrgKind};
            for (i, d) in [District::Tianhe, District::Haizhu, District::Liwan]
                .into_iter()
                .enumerate()
            {
                niuyang::organisations::queries::create(
                    c,
                    None,
                    OrgKind::Buyer,
                    &format!("店 {i}"),
                    Some(d),
                )?;
            }
            Ok(())
        })
        .expect("orgs");
    niuyang::audit::seal_all(&app.state.db).expect("seal");
    let admin = app
        .state
        .db
        .read_now(|c| Ok(niuyang::users::queries::find_by_username(c, "admin")?))
        .expect("read")
        .expect("admin");
    let token = app
        .state
        .auth
        .tokens
        .issue(&admin.id, admin.session_epoch)
        .expect("token");
    (app, token)
}

async fn verify(app: &TestApp, token: &str) -> Value {
    let r = app.get("/api/v1/audit/verify", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.body
}

fn tamper(app: &TestApp, sql: &str) {
    app.db.raw().batch_execute(sql).expect("tamper");
}

fn first_org(app: &TestApp) -> String {
    app.org_id("店 0")
}

#[actix_web::test]
async fn a_sound_trail_verifies_and_every_write_is_in_it() {
    let app = TestApp::with_demo();
    let r = verify(&app, &app.token("sr.city")).await;
    assert_eq!(r["ok"], true, "{r}");
    assert!(r["first_broken"].is_null());
    let entries = r["entries_checked"].as_i64().unwrap_or(0);
    assert!(entries > 50, "{entries}");
    assert_eq!(r["head_seq"].as_i64(), Some(entries));
    assert!(r["rows_checked"].as_i64().unwrap_or(0) > 50);

    // A write through the API adds exactly its entries (status change: the change, the record, credit).
    let house = app.org_id("广州市穗北牛羊定点屠宰场");
    app.post(
        &format!("/api/v1/slaughterhouses/{house}/status-changes"),
        Some(&app.token("sr.city")),
        serde_json::json!({"action": "suspend", "reason": "审计测试"}),
    )
    .await;
    let again = verify(&app, &app.token("demo.admin")).await;
    assert_eq!(again["ok"], true);
    assert_eq!(again["head_seq"].as_i64(), Some(entries + 3));
}

#[actix_web::test]
async fn a_business_row_edited_behind_the_service_is_named() {
    let (app, token) = small_app();
    assert_eq!(verify(&app, &token).await["ok"], true);
    let id = first_org(&app);
    tamper(
        &app,
        &format!("UPDATE organisations SET name = '改名' WHERE id = '{id}'"),
    );
    let r = verify(&app, &token).await;
    assert_eq!(r["ok"], false);
    assert_eq!(r["first_broken"]["reason"], "row_altered", "{r}");
    assert_eq!(r["first_broken"]["entity"], "organisation");
    assert_eq!(r["first_broken"]["entity_id"], id.as_str());
    assert!(r["first_broken"]["seq"].as_i64().is_some());
}

#[actix_web::test]
async fn an_audit_entry_edited_is_named() {
    let (app, token) = small_app();
    tamper(
        &app,
        "UPDATE audit_log SET action = 'nothing' WHERE seq = 3",
    );
    let r = verify(&app, &token).await;
    assert_eq!(r["ok"], false);
    assert_eq!(r["first_broken"]["reason"], "entry_altered", "{r}");
    assert_eq!(r["first_broken"]["seq"], 3);

    // Rewriting the entry's own hash too breaks the link to the next one.
    let (app, token) = small_app();
    tamper(&app, "UPDATE audit_log SET hash = prev_hash WHERE seq = 2");
    let r = verify(&app, &token).await;
    assert_eq!(r["ok"], false);
    assert_eq!(r["first_broken"]["seq"], 2, "{r}");
}

#[actix_web::test]
async fn an_audit_entry_deleted_is_named() {
    let (app, token) = small_app();
    tamper(&app, "DELETE FROM audit_log WHERE seq = 2");
    let r = verify(&app, &token).await;
    assert_eq!(r["ok"], false);
    assert_eq!(r["first_broken"]["reason"], "entry_missing", "{r}");
    assert_eq!(r["first_broken"]["seq"], 2);
}

#[actix_web::test]
async fn the_newest_entries_cut_off_are_caught_by_the_last_checkpoint() {
    let (app, token) = small_app();
    let first = verify(&app, &token).await;
    assert_eq!(first["ok"], true);
    let n = first["head_seq"].as_i64().expect("seq");
    assert!(n >= 4);
    // Cut the last two entries and rewind the tip so the chain itself looks whole.
    let keep = n - 2;
    tamper(
        &app,
        &format!(
            "DELETE FROM audit_log WHERE seq > {keep};
             UPDATE audit_head SET seq = {keep}, hash = (SELECT hash FROM audit_log WHERE seq = {keep}) WHERE id = 1;"
        ),
    );
    let r = verify(&app, &token).await;
    assert_eq!(r["ok"], false);
    assert_eq!(r["first_broken"]["reason"], "entries_cut_off", "{r}");
    assert_eq!(r["first_broken"]["seq"], keep + 1);
}

#[actix_web::test]
async fn cut_entries_without_rewinding_the_tip_are_caught_too() {
    let (app, token) = small_app();
    tamper(
        &app,
        "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
    );
    let r = verify(&app, &token).await;
    assert_eq!(r["ok"], false);
    assert_eq!(r["first_broken"]["reason"], "entries_cut_off", "{r}");
}

#[actix_web::test]
async fn rows_written_or_deleted_behind_the_service_are_named() {
    let (app, token) = small_app();
    let id = uuid::Uuid::new_v4();
    tamper(
        &app,
        &format!(
            "INSERT INTO organisations (id, kind, name, district, created_at)
             VALUES ('{id}', 'buyer', '黑户', 'tianhe', '2026-01-01 00:00:00')"
        ),
    );
    let r = verify(&app, &token).await;
    assert_eq!(r["first_broken"]["reason"], "row_not_audited", "{r}");
    assert_eq!(r["first_broken"]["entity_id"], id.to_string());

    let (app, token) = small_app();
    let victim = app.org_id("店 2");
    tamper(
        &app,
        &format!("DELETE FROM organisations WHERE id = '{victim}'"),
    );
    let r = verify(&app, &token).await;
    assert_eq!(r["first_broken"]["reason"], "row_deleted", "{r}");
    assert_eq!(r["first_broken"]["entity_id"], victim.as_str());
}

#[actix_web::test]
async fn concurrent_sealers_chain_every_pending_entry_once() {
    let app = TestApp::empty();
    let db = app.state.db.clone();
    // 200 writes pending, then four sealers at once.
    for i in 0..200 {
        db.write_now(|c| {
            niuyang::organisations::queries::create(
                c,
                None,
                niuyang::organisations::model::OrgKind::HotlineCentre,
                &format!("坐席 {i}"),
                None,
            )
        })
        .expect("write");
    }
    let sealers: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut n = 0;
                loop {
                    let sealed = niuyang::audit::seal(&db, 17).expect("seal");
                    if sealed == 0 {
                        return n;
                    }
                    n += sealed;
                }
            })
        })
        .collect();
    let sealed: usize = sealers.into_iter().map(|h| h.join().expect("join")).sum();
    assert_eq!(sealed, 200);
    let report = niuyang::audit::verify::verify_and_checkpoint(&db).expect("verify");
    assert!(report.ok, "{report:?}");
    assert_eq!(report.head_seq, 200);
}
