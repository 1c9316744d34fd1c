//! Retention of reporters' personal data (个人信息保护法 arts. 19, 47): a named reporter's name and phone,
//! and a reward claimant's name, phone and account, are erased by the scheduled sweep once the complaint has
//! been closed for `NIUYANG_REPORTER_RETENTION_DAYS` with no reward outstanding. The erasure is an event of
//! the complaint and an audited write, the audit trail stays sound, and nothing else is touched.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::{json, Value};

use crate::common::*;

/// Reporter A: rewarded, claimed, paid, closed: erased after the limit.
const A_NAME: &str = "司马删除";
const A_PHONE: &str = "13911112222";
const A_ACCOUNT: &str = "6222021188887777";
/// Reporter B: rewarded and claimed, closed before the payment was recorded: kept (reward outstanding).
const B_NAME: &str = "诸葛保留";
const B_PHONE: &str = "13933334444";
/// Reporter C: still under investigation: kept.
const C_NAME: &str = "上官未结";
const C_PHONE: &str = "13955556666";
/// Reporter D: not substantiated (no reward due), closed: erased after the limit.
const D_NAME: &str = "东方无奖";
const D_PHONE: &str = "13977778888";

const OFFICER: &str = "inspector.haizhu";
const REGULATOR: &str = "mr.haizhu";

struct Filed {
    id: String,
    ticket: String,
    code: String,
}

/// A phone complaint against 江南 stall 12 (Haizhu, circulation side), with a named reporter.
async fn file(app: &TestApp, work_order: &str, name: &str, phone: &str) -> Filed {
    let stall = app.account("vendor.jiangnan12").org_id.clone();
    let r = app
        .post(
            "/api/v1/hotline/complaints",
            Some(&app.token("hotline.01")),
            json!({"category": "water_injected", "description": "牛肉注水", "place": "海珠区江南市场 12 号档",
                   "subject_org_id": stall, "reporter_name": name, "reporter_phone": phone,
                   "work_order_no": work_order}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    Filed {
        id: r.body["id"].as_str().expect("id").to_string(),
        ticket: r.body["ticket_no"].as_str().expect("ticket").to_string(),
        code: r.body["access_code"].as_str().expect("code").to_string(),
    }
}

async fn step(app: &TestApp, who: &str, c: &Filed, step: &str, body: Value) {
    let r = app
        .post(
            &format!("/api/v1/complaints/{}/{step}", c.id),
            Some(&app.token(who)),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{step}: {r:?}");
}

/// Dispatched to the officer, investigated, concluded.
async fn investigate(app: &TestApp, c: &Filed, substantiated: bool) {
    let officer = app.account(OFFICER).user_id.clone();
    step(
        app,
        "hotline.01",
        c,
        "dispatch",
        json!({"officer_id": officer}),
    )
    .await;
    step(app, OFFICER, c, "investigate", json!({})).await;
    step(
        app,
        OFFICER,
        c,
        "conclude",
        json!({"substantiated": substantiated, "finding": "抽检", "reply": "已处理"}),
    )
    .await;
}

async fn claim(app: &TestApp, c: &Filed, name: &str, phone: &str, account: Option<&str>) {
    let r = app
        .post(
            "/api/v1/public/complaints/claim",
            None,
            json!({"ticket_no": c.ticket, "access_code": c.code, "name": name, "phone": phone,
                   "account": account}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
}

async fn lookup(app: &TestApp, c: &Filed) -> Resp {
    app.post(
        "/api/v1/public/complaints/lookup",
        None,
        json!({"ticket_no": c.ticket, "access_code": c.code}),
    )
    .await
}

async fn officer_view(app: &TestApp, c: &Filed) -> Value {
    let r = app
        .get(
            &format!("/api/v1/complaints/{}", c.id),
            Some(&app.token(OFFICER)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.body
}

fn sweep_at(
    app: &TestApp,
    now: chrono::NaiveDateTime,
) -> niuyang::violations::schedule::SweepReport {
    niuyang::violations::schedule::sweep(&app.state.db, &app.state.rules, now).expect("sweep")
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    t: String,
    #[diesel(sql_type = Text)]
    c: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Every place in the database (any text column of any table) that holds `needle`, read with a raw
/// connection behind the service's back.
fn places_holding(db: &TestDb, needle: &str) -> Vec<String> {
    let mut conn = db.raw();
    let columns_sql = if db.is_postgres() {
        "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns
         WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')"
    } else {
        "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p
         WHERE m.type = 'table' AND upper(p.type) = 'TEXT'"
    };
    let columns: Vec<Column> = diesel::sql_query(columns_sql)
        .load(&mut conn)
        .expect("columns");
    assert!(columns.len() > 100, "every text column: {}", columns.len());
    let mut found = Vec::new();
    for Column { t, c } in columns {
        let n = diesel::sql_query(format!(
            "SELECT COUNT(*) AS n FROM \"{t}\" WHERE \"{c}\" LIKE $1"
        ))
        .bind::<Text, _>(format!("%{needle}%"))
        .get_result::<Count>(&mut conn)
        .unwrap_or_else(|e| panic!("{t}.{c}: {e}"))
        .n;
        if n > 0 {
            found.push(format!("{t}.{c}"));
        }
    }
    found
}

#[actix_web::test]
async fn a_reporters_details_are_erased_after_the_retention_period_and_the_trail_stays_sound() {
    let app = TestApp::with_cast(&[crate::complaints::CAST, &["sr.city"]].concat()).await;
    assert_eq!(app.state.rules.reporter_retention_days, 365);
    let today = niuyang::time::today_china();

    // A: substantiated, rewarded, claimed, paid, closed.
    let a = file(&app, "W-RETAIN-A", A_NAME, A_PHONE).await;
    investigate(&app, &a, true).await;
    step(&app, REGULATOR, &a, "reward", json!({"amount_fen": 30_000})).await;
    claim(&app, &a, A_NAME, A_PHONE, Some(A_ACCOUNT)).await;
    step(
        &app,
        REGULATOR,
        &a,
        "reward/paid",
        json!({"paid_on": today}),
    )
    .await;
    step(&app, OFFICER, &a, "close", json!({"note": "办结"})).await;
    // B: rewarded and claimed, closed without the payment recorded: the reward is outstanding.
    let b = file(&app, "W-RETAIN-B", B_NAME, B_PHONE).await;
    investigate(&app, &b, true).await;
    step(&app, REGULATOR, &b, "reward", json!({"amount_fen": 10_000})).await;
    claim(&app, &b, B_NAME, B_PHONE, None).await;
    step(&app, REGULATOR, &b, "close", json!({})).await;
    // C: not closed.
    let c = file(&app, "W-RETAIN-C", C_NAME, C_PHONE).await;
    let officer = app.account(OFFICER).user_id.clone();
    step(
        &app,
        "hotline.01",
        &c,
        "dispatch",
        json!({"officer_id": officer}),
    )
    .await;
    step(&app, OFFICER, &c, "investigate", json!({})).await;
    // D: not substantiated (no reward due), closed.
    let d = file(&app, "W-RETAIN-D", D_NAME, D_PHONE).await;
    investigate(&app, &d, false).await;
    step(&app, OFFICER, &d, "close", json!({})).await;

    // Before the limit nothing is erased: the officer assigned still sees the reporter.
    let now = niuyang::time::now();
    let before = sweep_at(&app, now + chrono::Duration::days(364));
    assert_eq!(before.reporters_erased, 0, "{before:?}");
    let seen = officer_view(&app, &a).await;
    assert_eq!(seen["reporter_name"], A_NAME, "{seen}");
    assert_eq!(seen["reporter_phone"], A_PHONE);
    assert_eq!(seen["reporter_unmasked"], true);
    assert!(seen["reporter_erased_at"].is_null(), "{seen}");
    let file_hash_of_a = latest_content_hash(&app, "complaint", &a.id);

    // Past the limit (the clock moved on 366 days): A and D are erased, once.
    let after = sweep_at(&app, now + chrono::Duration::days(366));
    let again = sweep_at(&app, now + chrono::Duration::days(366));

    // Gone from the database: no text column of any table holds them.
    for needle in [A_NAME, A_PHONE, A_ACCOUNT, D_NAME, D_PHONE] {
        let places = places_holding(&app.db, needle);
        assert!(places.is_empty(), "{needle} is still in {places:?}");
    }
    assert_eq!(after.reporters_erased, 2, "{after:?}");
    assert_eq!(
        again.reporters_erased, 0,
        "a second sweep erases nothing more"
    );
    // Kept where the complaint is open or the reward outstanding.
    for (needle, place) in [
        (B_NAME, "complaints.reporter_name"),
        (B_PHONE, "complaints.reporter_phone"),
        (B_NAME, "complaint_events.claimant_name"),
        (C_NAME, "complaints.reporter_name"),
        (C_PHONE, "complaints.reporter_phone"),
    ] {
        let places = places_holding(&app.db, needle);
        assert!(places.iter().any(|p| p == place), "{needle}: {places:?}");
    }

    // Every answer shows the reporter as erased, not as anonymous; the erasure is a move of its own.
    let views_before: i64 = count_audit(&app, "view_reporter", &a.id);
    let seen = officer_view(&app, &a).await;
    let text = seen.to_string();
    assert!(
        !text.contains(A_NAME) && !text.contains(A_PHONE) && !text.contains(A_ACCOUNT),
        "{seen}"
    );
    assert!(seen["reporter_name"].is_null() && seen["reporter_phone"].is_null());
    assert_eq!(seen["reporter_unmasked"], false);
    assert!(seen["reporter_erased_at"].is_string(), "{seen}");
    let moves = seen["moves"].as_array().expect("moves");
    let last = moves.last().expect("a move");
    assert_eq!(last["kind"], "reporter_erased", "{seen}");
    assert_eq!(last["status"], "closed");
    assert!(last["actor_id"].is_null(), "the service made it");
    assert!(
        last["note"]
            .as_str()
            .is_some_and(|n| n.contains("个人信息保护法") && n.contains("365")),
        "the rule it was made under: {last}"
    );
    let claimed = moves
        .iter()
        .find(|m| m["kind"] == "reward_claimed")
        .expect("the claim");
    assert!(claimed["claimant_name"].is_null() && claimed["claimant_phone"].is_null());
    assert_eq!(
        count_audit(&app, "view_reporter", &a.id),
        views_before,
        "nothing left to see, no view recorded"
    );
    let list = app
        .get("/api/v1/complaints?limit=200", Some(&app.token(REGULATOR)))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    let listed = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == a.id.as_str())
        .expect("A listed")
        .clone();
    assert!(listed["reporter_erased_at"].is_string(), "{listed}");
    assert!(listed["reporter_name"].is_null());
    for (seen, erased) in [
        (officer_view(&app, &b).await, false),
        (officer_view(&app, &d).await, true),
    ] {
        assert_eq!(seen["reporter_erased_at"].is_string(), erased, "{seen}");
    }
    assert_eq!(officer_view(&app, &b).await["reporter_name"], B_NAME);
    assert_eq!(officer_view(&app, &c).await["reporter_name"], C_NAME);

    // The reporter still follows the ticket with the access code, and is told the details were erased.
    let followed = lookup(&app, &a).await;
    assert_eq!(followed.status, StatusCode::OK, "{followed:?}");
    assert_eq!(followed.body["status"], "closed");
    assert!(
        followed.body["reporter_erased_at"].is_string(),
        "{followed:?}"
    );
    let steps = followed.body["steps"].as_array().expect("steps");
    assert_eq!(
        steps.last().map(|s| s["kind"].clone()),
        Some(json!("reporter_erased"))
    );
    let page = app
        .send(TestRequest::post().uri("/complaints/status").set_form([
            ("ticket_no", a.ticket.as_str()),
            ("access_code", a.code.as_str()),
        ]))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{page:?}");
    assert!(
        page.body.as_str().is_some_and(|p| p.contains("已删除")),
        "{page:?}"
    );
    assert!(lookup(&app, &b).await.body["reporter_erased_at"].is_null());

    // The erasure is in the audit trail, for the complaint and the claim it touched, and the trail is sound.
    assert_eq!(count_audit(&app, "erase_reporter", &a.id), 1);
    let claim_id: String = app
        .state
        .db
        .read_now(|conn| {
            use niuyang::schema::complaint_events as e;
            Ok(e::table
                .filter(e::complaint_id.eq(&a.id))
                .filter(e::kind.eq("reward_claimed"))
                .select(e::id)
                .first(conn)?)
        })
        .expect("claim event");
    assert_eq!(count_audit(&app, "erase_reporter", &claim_id), 1);
    assert_eq!(count_audit(&app, "erase_reporter", &b.id), 0);
    assert_eq!(count_audit(&app, "erase_reporter", &c.id), 0);
    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("sr.city")))
        .await;
    assert_eq!(audit.status, StatusCode::OK, "{audit:?}");
    assert_eq!(audit.body["ok"], true, "{audit:?}");
    assert_eq!(audit.body["first_broken"], Value::Null, "{audit:?}");

    // The content hash the trail kept from before the erasure cannot be used to confirm a guess of the
    // erased details: the row as it now stands, with the right name and phone put back, does not hash to it
    // (a random salt was erased with them).
    let row = app
        .state
        .db
        .read_now(|conn| {
            use niuyang::schema::complaints as c;
            Ok(c::table
                .find(&a.id)
                .select(niuyang::complaints::model::Complaint::as_select())
                .first(conn)?)
        })
        .expect("row");
    assert!(row.reporter_name.is_none() && row.reporter_erased_at.is_some());
    let mut guess = row.clone();
    guess.reporter_name = Some(A_NAME.to_string());
    guess.reporter_phone = Some(A_PHONE.to_string());
    guess.reporter_erased_at = None;
    assert_ne!(niuyang::audit::content_hash(&guess), file_hash_of_a);
}

/// The content hash of the latest write of a row, sealed or pending.
fn latest_content_hash(app: &TestApp, entity: &str, id: &str) -> String {
    niuyang::audit::seal_all(&app.state.db).expect("seal");
    let (entity, id) = (entity.to_string(), id.to_string());
    app.state
        .db
        .read_now(move |conn| {
            use niuyang::schema::audit_log as l;
            Ok(l::table
                .filter(l::entity.eq(&entity))
                .filter(l::entity_id.eq(&id))
                .filter(l::action.ne("view_reporter"))
                .order(l::seq.desc())
                .select(l::content_hash)
                .first(conn)?)
        })
        .expect("entry")
}

/// Audit entries of `action` on the record `id`, sealed or pending.
fn count_audit(app: &TestApp, action: &str, id: &str) -> i64 {
    niuyang::audit::seal_all(&app.state.db).expect("seal");
    let (action, id) = (action.to_string(), id.to_string());
    app.state
        .db
        .read_now(move |conn| {
            use niuyang::schema::audit_log as l;
            Ok(l::table
                .filter(l::action.eq(&action))
                .filter(l::entity_id.eq(&id))
                .count()
                .get_result(conn)?)
        })
        .expect("count")
}

/// With a retention of 0 days the sweep erases at once after closing, and a complaint closed with its reward
/// outstanding is still kept.
#[actix_web::test]
async fn a_retention_of_zero_days_erases_at_the_first_sweep_after_closing() {
    let app = TestApp::with_rules_and_cast(
        niuyang::config::RuleSettings {
            reporter_retention_days: 0,
            ..niuyang::config::RuleSettings::default()
        },
        &[crate::complaints::CAST, &["sr.city"]].concat(),
    )
    .await;
    let d = file(&app, "W-RETAIN-0", D_NAME, D_PHONE).await;
    investigate(&app, &d, false).await;
    let open = sweep_at(&app, niuyang::time::now());
    assert_eq!(open.reporters_erased, 0, "not closed yet: {open:?}");
    assert_eq!(officer_view(&app, &d).await["reporter_name"], D_NAME);
    step(&app, OFFICER, &d, "close", json!({})).await;
    let erased = sweep_at(&app, niuyang::time::now());
    for needle in [D_NAME, D_PHONE] {
        let places = places_holding(&app.db, needle);
        assert!(places.is_empty(), "{needle} is still in {places:?}");
    }
    assert_eq!(erased.reporters_erased, 1, "{erased:?}");
    let seen = officer_view(&app, &d).await;
    assert!(seen["reporter_erased_at"].is_string(), "{seen}");
    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("sr.city")))
        .await;
    assert_eq!(audit.body["first_broken"], Value::Null, "{audit:?}");
}

#[derive(QueryableByName)]
struct KeyRows {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The repeat-safe key of a complaint filing holds a fingerprint of the whole request, reporter included: it
/// is kept a week at most, then the sweep deletes it.
#[actix_web::test]
async fn the_repeat_safe_key_of_a_filing_goes_after_a_week() {
    let app = TestApp::with_cast(crate::complaints::CAST).await;
    let stall = app.account("vendor.jiangnan12").org_id.clone();
    let req = request(
        actix_web::http::Method::POST,
        "/api/v1/hotline/complaints",
        Some(&app.token("hotline.01")),
        Some(json!({"category": "water_injected", "description": "牛肉注水", "place": "海珠区江南市场 12 号档",
               "subject_org_id": stall, "reporter_name": A_NAME, "reporter_phone": A_PHONE,
               "work_order_no": "W-RETAIN-KEY"})),
    )
    .insert_header(("idempotency-key", "retention-key-0001"));
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let count = || -> i64 {
        let mut conn = app.db.raw();
        diesel::sql_query(
            "SELECT COUNT(*) AS n FROM idempotency_keys WHERE operation LIKE 'complaint.%'",
        )
        .get_result::<KeyRows>(&mut conn)
        .expect("count")
        .n
    };
    assert_eq!(count(), 1);
    let now = niuyang::time::now();
    sweep_at(&app, now + chrono::Duration::days(3));
    assert_eq!(count(), 1, "kept while a retry is still plausible");
    sweep_at(&app, now + chrono::Duration::days(8));
    assert_eq!(count(), 0, "gone after a week");
}
