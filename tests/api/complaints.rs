//! 12345 complaints: story 5 end to end (phone report, routing, dispatch, investigation, violation, credit
//! file, reward, follow-up with ticket and access code), story 3 (a shopper scans the label and reports
//! from the page), the rules of filing, routing, deadlines and overdue lists, the pages, the abuse limits,
//! and the reporter's confidentiality searched for in every answer of every role, the audit trail and the
//! exports.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::connection::SimpleConnection;
use serde_json::{json, Value};

use crate::build::*;
use crate::common::*;

pub const PHONE: &str = "13987654321";
pub const NAME: &str = "欧阳保密";

/// Who a complaint against 江南 stall 12 needs: the hotline, the stall, and its district's market side.
pub const CAST: &[&str] = &[
    "hotline.01",
    "vendor.jiangnan12",
    "inspector.haizhu",
    "mr.haizhu",
    "mr.city",
];

/// A phone complaint entered by hotline.01 against 江南 stall 12 (Haizhu).
pub async fn phoned_in(app: &TestApp, work_order: &str) -> Value {
    let stall = app.account("vendor.jiangnan12").org_id.clone();
    let r = app
        .post(
            "/api/v1/hotline/complaints",
            Some(&app.token("hotline.01")),
            json!({"category": "water_injected", "description": "江南市场12号档的牛肉明显注水，按压出水",
                   "place": "海珠区江南市场 12 号档", "subject_org_id": stall,
                   "reporter_name": NAME, "reporter_phone": "139-8765-4321", "work_order_no": work_order}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    r.body
}

async fn mv(app: &TestApp, who: &str, id: &str, step: &str, body: Value) -> Resp {
    app.post(
        &format!("/api/v1/complaints/{id}/{step}"),
        Some(&app.token(who)),
        body,
    )
    .await
}

async fn lookup(app: &TestApp, ticket: &str, code: &str) -> Resp {
    app.post(
        "/api/v1/public/complaints/lookup",
        None,
        json!({"ticket_no": ticket, "access_code": code}),
    )
    .await
}

#[actix_web::test]
async fn story_5_a_phoned_in_report_of_water_injected_beef_to_its_reward() {
    let app = TestApp::with_cast(&[CAST, &["inspector.city", "sr.city"]].concat()).await;
    let filed = phoned_in(&app, "GZ12345-20261128-0001").await;
    let id = filed["id"].as_str().expect("id").to_string();
    let ticket = filed["ticket_no"].as_str().expect("ticket").to_string();
    let code = filed["access_code"].as_str().expect("code").to_string();
    assert!(ticket.starts_with("TS"));
    assert_eq!(code.len(), 10);
    // A buyer is the subject: the circulation administration of the stall's district.
    assert_eq!(filed["routed_to"], "肉品流通行政管理部门");
    assert_eq!(filed["district"], "海珠区");
    let calendar = app.state.rules.calendar();
    let today = niuyang::time::today_china();
    assert_eq!(
        filed["dispatch_due"],
        calendar.add_working_days(today, 1).to_string()
    );
    assert_eq!(
        filed["conclude_due"],
        calendar.add_working_days(today, 15).to_string()
    );

    // The same work order cannot be entered twice.
    let again = app
        .post(
            "/api/v1/hotline/complaints",
            Some(&app.token("hotline.01")),
            json!({"category": "other", "description": "重复", "work_order_no": "GZ12345-20261128-0001"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{again:?}");
    // With the domain's own code, not the database's wording (it said "UNIQUE constraint failed: …").
    assert_eq!(again.code(), "work_order_no_taken", "{again:?}");
    assert!(
        !again.body.to_string().contains("UNIQUE")
            && !again.body.to_string().contains("complaints.")
    );

    // The reporter follows it: received, nothing personal of staff.
    let seen = lookup(&app, &ticket, &code).await;
    assert_eq!(seen.status, StatusCode::OK, "{seen:?}");
    assert_eq!(seen.body["status"], "received");
    assert_eq!(seen.body["handled_by"], "肉品流通行政管理部门");
    assert!(seen.body["reply"].is_null());

    // Only the moves the workflow allows, by who it allows.
    let officer = app.account("inspector.haizhu").user_id.clone();
    assert_eq!(
        mv(&app, "inspector.haizhu", &id, "investigate", json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let officers = app
        .get(
            &format!("/api/v1/complaints/{id}/officers"),
            Some(&app.token("hotline.01")),
        )
        .await;
    let names: Vec<&str> = officers
        .body
        .as_array()
        .expect("officers")
        .iter()
        .filter_map(|o| o["username"].as_str())
        .collect();
    assert!(
        names.contains(&"inspector.haizhu") && names.contains(&"mr.city"),
        "{names:?}"
    );
    assert!(
        !names.contains(&"inspector.city"),
        "the slaughter side's inspector is not eligible: {names:?}"
    );
    let wrong_officer = mv(
        &app,
        "hotline.01",
        &id,
        "dispatch",
        json!({"officer_id": app.account("inspector.city").user_id}),
    )
    .await;
    assert_eq!(
        wrong_officer.code(),
        "officer_not_eligible",
        "{wrong_officer:?}"
    );
    let d = mv(
        &app,
        "hotline.01",
        &id,
        "dispatch",
        json!({"officer_id": officer, "note": "请核查"}),
    )
    .await;
    assert_eq!(d.status, StatusCode::OK, "{d:?}");
    assert_eq!(d.body["status"], "dispatched");
    assert_eq!(
        mv(&app, "hotline.01", &id, "investigate", json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let early = mv(
        &app,
        "inspector.haizhu",
        &id,
        "conclude",
        json!({"substantiated": true, "finding": "x", "reply": "x"}),
    )
    .await;
    assert_eq!(early.code(), "complaint_wrong_status", "{early:?}");
    assert!(early.body["detail"]
        .as_str()
        .is_some_and(|d| d.contains("已派单")));
    assert_eq!(
        mv(
            &app,
            "inspector.haizhu",
            &id,
            "investigate",
            json!({"note": "到场检查"})
        )
        .await
        .status,
        StatusCode::OK
    );
    let concluded = mv(
        &app,
        "inspector.haizhu",
        &id,
        "conclude",
        json!({
        "substantiated": true,
        "finding": "现场抽检牛肉水分含量 82%，超过 GB 18394 限量",
        "reply": "经查，该档口销售注水牛肉属实，已立案处理。感谢您的举报。"}),
    )
    .await;
    assert_eq!(concluded.status, StatusCode::OK, "{concluded:?}");
    assert_eq!(concluded.body["status"], "substantiated");

    // A violation against the stall, linked to the ticket; an event in its credit file.
    let stall = app.account("vendor.jiangnan12").org_id.clone();
    let v = app
        .get(
            "/api/v1/violations?rule=complaint_water_injected",
            Some(&app.token("mr.haizhu")),
        )
        .await;
    let items = v.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{v:?}");
    assert_eq!(items[0]["subject_org_id"], stall);
    assert_eq!(items[0]["source"], "complaint");
    assert!(items[0]["records"].to_string().contains(&id));
    assert!(items[0]["summary"]
        .as_str()
        .is_some_and(|s| s.contains(&ticket)));
    let credit = app
        .get(
            &format!("/api/v1/organisations/{stall}/credit-events"),
            Some(&app.token("mr.haizhu")),
        )
        .await;
    assert!(credit.body.to_string().contains(&ticket), "{credit:?}");

    // The reward: granted by the circulation regulator (not by the hotline, nor the slaughter side).
    assert_eq!(
        mv(
            &app,
            "sr.city",
            &id,
            "reward",
            json!({"amount_fen": 50_000})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        mv(
            &app,
            "hotline.01",
            &id,
            "reward",
            json!({"amount_fen": 50_000})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        mv(&app, "mr.haizhu", &id, "reward", json!({"amount_fen": 0}))
            .await
            .code(),
        "invalid_amount"
    );
    let r = mv(
        &app,
        "mr.haizhu",
        &id,
        "reward",
        json!({"amount_fen": 50_000, "note": "按举报奖励办法"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["status"], "rewarded");

    // The reporter sees the reply and the reward, and claims it.
    let seen = lookup(&app, &ticket, &code.to_lowercase()).await;
    assert_eq!(seen.body["status"], "rewarded", "{seen:?}");
    assert_eq!(
        seen.body["reply"],
        "经查，该档口销售注水牛肉属实，已立案处理。感谢您的举报。"
    );
    assert_eq!(seen.body["reward_fen"], 50_000);
    assert_eq!(seen.body["reward_claimed"], false);
    let wrong = app.post("/api/v1/public/complaints/claim", None,
        json!({"ticket_no": ticket, "access_code": "AAAAAAAAAA", "name": "x", "phone": "13800000000"})).await;
    assert_eq!(wrong.code(), "ticket_not_found");
    let claim = app.post("/api/v1/public/complaints/claim", None,
        json!({"ticket_no": ticket, "access_code": code, "name": NAME, "phone": PHONE, "account": "6222 0000 1111"})).await;
    assert_eq!(claim.status, StatusCode::OK, "{claim:?}");
    assert_eq!(claim.body["reward_claimed"], true);
    let twice = app
        .post(
            "/api/v1/public/complaints/claim",
            None,
            json!({"ticket_no": ticket, "access_code": code, "name": NAME, "phone": PHONE}),
        )
        .await;
    assert_eq!(twice.code(), "reward_already_claimed");
    let future = mv(
        &app,
        "mr.haizhu",
        &id,
        "reward/paid",
        json!({"paid_on": "2099-01-01"}),
    )
    .await;
    assert_eq!(future.code(), "date_in_future");
    let paid = mv(
        &app,
        "mr.haizhu",
        &id,
        "reward/paid",
        json!({"paid_on": today}),
    )
    .await;
    assert_eq!(paid.status, StatusCode::OK, "{paid:?}");
    assert_eq!(
        mv(
            &app,
            "mr.haizhu",
            &id,
            "reward/paid",
            json!({"paid_on": today})
        )
        .await
        .code(),
        "reward_already_paid"
    );
    let closed = mv(
        &app,
        "inspector.haizhu",
        &id,
        "close",
        json!({"note": "办结"}),
    )
    .await;
    assert_eq!(closed.body["status"], "closed", "{closed:?}");
    assert_eq!(
        mv(&app, "inspector.haizhu", &id, "close", json!({}))
            .await
            .code(),
        "complaint_wrong_status"
    );

    // Every move is kept, in order, with who made it.
    let full = app
        .get(
            &format!("/api/v1/complaints/{id}"),
            Some(&app.token("mr.haizhu")),
        )
        .await;
    let kinds: Vec<&str> = full.body["moves"]
        .as_array()
        .expect("moves")
        .iter()
        .filter_map(|m| m["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "received",
            "dispatched",
            "investigating",
            "substantiated",
            "rewarded",
            "reward_claimed",
            "reward_paid",
            "closed"
        ]
    );
    assert_eq!(
        full.body["moves"][1]["actor_id"],
        app.account("hotline.01").user_id
    );
    assert_eq!(
        full.body["moves"][4]["actor_id"],
        app.account("mr.haizhu").user_id
    );
    let seen = lookup(&app, &ticket, &code).await;
    assert_eq!(seen.body["status"], "closed");
    assert_eq!(seen.body["reward_paid_on"], today.to_string());
    assert_eq!(seen.body["steps"].as_array().map(Vec::len), Some(8));

    // The audit trail holds every write, and is sound.
    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("sr.city")))
        .await;
    assert_eq!(audit.body["first_broken"], Value::Null, "{audit:?}");
}

#[actix_web::test]
async fn filing_checks_and_routing() {
    let mut app = TestApp::with_settings(niuyang::config::AuthSettings {
        complaints_per_hour: 100,
        ..niuyang::config::AuthSettings::default()
    });
    app.cast(&[CAST, &[SUIBEI, "vendor.crv"]].concat()).await;
    let file = |body: Value| {
        let app = &app;
        async move { app.post("/api/v1/complaints", None, body).await }
    };
    // Anonymous web report without a subject: category table. 私屠滥宰 → slaughter side.
    let r = file(json!({"category": "unlicensed_slaughter", "description": "夜间有人在村里宰牛", "district": "conghua"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    assert_eq!(r.body["routed_to"], "屠宰行政管理部门");
    assert_eq!(r.body["district"], "从化区");
    let r = file(json!({"category": "sick_or_dead", "description": "疑似病死羊肉"})).await;
    assert_eq!(r.body["routed_to"], "肉品流通行政管理部门", "{r:?}");
    // A named slaughterhouse routes to the slaughter side whatever the category, in its district.
    let house = app.org_id("广州市穗北牛羊定点屠宰场");
    let r = file(json!({"category": "water_injected", "description": "出厂牛肉注水", "subject_org_id": house})).await;
    assert_eq!(r.body["routed_to"], "屠宰行政管理部门");
    assert_eq!(r.body["district"], "白云区");

    // Refusals, each with its code and message.
    // The description is a `Text<2000>` checked at the edge: empty, too long or with a control character
    // refused with the shared text codes, naming the field.
    let bad = file(json!({"category": "other", "description": "  "})).await;
    assert_eq!(bad.code(), "text_empty");
    assert_eq!(bad.body["errors"][0]["field"], "description", "{bad:?}");
    let bad = file(json!({"category": "other", "description": "x".repeat(2001)})).await;
    assert_eq!(bad.code(), "text_too_long");
    let bad = file(json!({"category": "other", "description": "注水\u{0}"})).await;
    assert_eq!(bad.code(), "control_character");
    let bad = file(json!({"category": "rotten", "description": "x"})).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = file(json!({"category": "other", "description": "x", "work_order_no": "W1"})).await;
    assert_eq!(bad.code(), "work_order_not_allowed");
    let bad =
        file(json!({"category": "other", "description": "x", "reporter_phone": "call me"})).await;
    assert_eq!(bad.code(), "invalid_phone");
    assert_eq!(bad.body["detail"], "联系电话格式不正确");
    assert_eq!(bad.body["errors"][0]["field"], "reporter_phone", "{bad:?}");
    // A phone is a mainland mobile or a landline with its area code, kept as its digits.
    for not_a_phone in ["12345", "+1 212 555 0100", "8312 3456", "138 1234 123"] {
        let bad =
            file(json!({"category": "other", "description": "x", "reporter_phone": not_a_phone}))
                .await;
        assert_eq!(bad.code(), "invalid_phone", "{not_a_phone}");
    }
    let bad = file(json!({"category": "other", "description": "x", "work_order_no": "W 1"})).await;
    assert_eq!(bad.code(), "invalid_work_order_no", "{bad:?}");
    // Kept as digits: the country code and separators dropped (seen masked by the hotline).
    for (written, masked) in [
        ("(020) 8312-3456", "020****3456"),
        ("+86 138-1234-5678", "138****5678"),
    ] {
        let filed = file(
            json!({"category": "other", "description": "电话核对", "reporter_phone": written}),
        )
        .await;
        assert_eq!(filed.status, StatusCode::CREATED, "{filed:?}");
        let listed = app
            .get(
                "/api/v1/complaints?limit=200",
                Some(&app.token("hotline.01")),
            )
            .await;
        let mine = listed.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|c| c["ticket_no"] == filed.body["ticket_no"])
            .cloned()
            .expect("listed");
        assert_eq!(mine["reporter_phone"], masked, "{written}");
    }
    let code = niuyang::lots::trace_code::generate();
    let mut typo: Vec<char> = code.chars().collect();
    typo[3] = if typo[3] == '1' { '2' } else { '1' };
    let bad = file(json!({"category": "other", "description": "x", "trace_code": typo.iter().collect::<String>()})).await;
    assert_eq!(bad.code(), "mistyped_code");
    // A well-formed code the system does not know is kept: it may be a counterfeit label.
    let kept = file(
        json!({"category": "not_in_network", "description": "标签查无此码", "trace_code": code}),
    )
    .await;
    assert_eq!(kept.status, StatusCode::CREATED, "{kept:?}");
    let vendor_org = app.account("vendor.crv").org_id.clone();
    let bad = file(json!({"category": "other", "description": "x", "subject_org_id": app.account("hotline.01").org_id})).await;
    assert_eq!(bad.code(), "unknown_subject");
    assert_eq!(
        file(json!({"category": "other", "description": "x", "subject_org_id": vendor_org}))
            .await
            .status,
        StatusCode::CREATED
    );
    // The hotline needs the work order; only hotline operators enter phone complaints.
    let bad = app
        .post(
            "/api/v1/hotline/complaints",
            Some(&app.token("hotline.01")),
            json!({"category": "other", "description": "x"}),
        )
        .await;
    assert_eq!(bad.code(), "work_order_required");
    let not_hotline = app
        .post(
            "/api/v1/hotline/complaints",
            Some(&app.token("mr.city")),
            json!({"category": "other", "description": "x", "work_order_no": "W9"}),
        )
        .await;
    assert_eq!(not_hotline.status, StatusCode::FORBIDDEN);
    // Follow-up: a wrong access code reads as an unknown ticket.
    let ticket = kept.body["ticket_no"].as_str().expect("ticket");
    assert_eq!(
        lookup(&app, ticket, "WRONGCODE2").await.code(),
        "ticket_not_found"
    );
    assert_eq!(
        lookup(&app, "TS000", "x").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn overdue_complaints_are_listed_for_those_who_handle_them() {
    let app = TestApp::with_cast(&[CAST, &["sr.city", "vendor.crv"]].concat()).await;
    let late = phoned_in(&app, "W-LATE").await;
    let on_time = phoned_in(&app, "W-ONTIME").await;
    let undispatched = phoned_in(&app, "W-UNDISPATCHED").await;
    let officer = app.account("inspector.haizhu").user_id.clone();
    for c in [&late, &on_time] {
        let id = c["id"].as_str().expect("id");
        assert_eq!(
            mv(
                &app,
                "hotline.01",
                id,
                "dispatch",
                json!({"officer_id": officer})
            )
            .await
            .status,
            StatusCode::OK
        );
    }
    // Time passes for two of them (deadlines moved into the past behind the service's back).
    for (c, days) in [(&late, "conclude_due"), (&undispatched, "dispatch_due")] {
        app.db
            .raw()
            .batch_execute(&format!(
                "UPDATE complaints SET {days} = '2026-01-05' WHERE id = '{}'",
                c["id"].as_str().expect("id")
            ))
            .expect("time");
    }
    let list = app
        .get("/api/v1/complaints/overdue", Some(&app.token("mr.haizhu")))
        .await;
    assert_eq!(list.status, StatusCode::OK, "{list:?}");
    let ids: Vec<&str> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(ids.contains(&late["id"].as_str().expect("id")));
    assert!(ids.contains(&undispatched["id"].as_str().expect("id")));
    assert!(!ids.contains(&on_time["id"].as_str().expect("id")));
    assert!(list.body["items"][0]["overdue"].as_bool().unwrap_or(false));
    // The slaughter side does not see circulation complaints; a vendor sees none.
    let other = app
        .get("/api/v1/complaints/overdue", Some(&app.token("sr.city")))
        .await;
    assert_eq!(other.body["total"], 0, "{other:?}");
    assert_eq!(
        app.get("/api/v1/complaints/overdue", Some(&app.token("vendor.crv")))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Concluding takes it off the list.
    let id = late["id"].as_str().expect("id");
    mv(&app, "inspector.haizhu", id, "investigate", json!({})).await;
    let done = mv(
        &app,
        "inspector.haizhu",
        id,
        "conclude",
        json!({"substantiated": false, "finding": "未发现问题", "reply": "经查未发现注水"}),
    )
    .await;
    assert_eq!(done.body["status"], "unsubstantiated", "{done:?}");
    let list = app
        .get(
            "/api/v1/complaints?overdue=true",
            Some(&app.token("mr.haizhu")),
        )
        .await;
    assert_eq!(list.body["total"], 1, "{list:?}");
    let open = app
        .get(
            "/api/v1/complaints?open=true",
            Some(&app.token("mr.haizhu")),
        )
        .await;
    assert_eq!(open.body["total"], 2, "{open:?}");
}

/// Pull the two codes out of the receipt page.
fn codes_on_page(html: &str) -> (String, String) {
    let mut found = html
        .split("class=\"code\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap_or("").to_string());
    (
        found.next().expect("ticket"),
        found.next().expect("access code"),
    )
}

#[actix_web::test]
async fn story_3_a_shopper_scans_the_label_and_reports_from_the_page() {
    let app =
        TestApp::with_cast(&[CAST, &["sh.suibei", "vet.chen", "inspector.city"]].concat()).await;
    let c = crate::slaughter::Chain::at(&app, "广州市穗北牛羊定点屠宰场", "sh.suibei");
    let (ids, codes) = crate::circulation::lots(&c, 7400, &[40_000]).await;
    // The phone reads the QR label: the verification address.
    let png = crate::slaughter::png_bytes(&app, &c.sh, &ids[0]).await;
    let img = image::load_from_memory(&png).expect("png").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let (_, url) = prepared.detect_grids()[0].decode().expect("decode");
    let path = url
        .trim_start_matches(app.state.rules.public_base_url.as_str())
        .to_string();
    assert_eq!(path, format!("/t/{}", codes[0]));
    let page = app.get(&path, None).await;
    let html = page.body.as_str().expect("html").to_string();
    for expected in [
        "广州市穗北牛羊定点屠宰场",
        "屠宰日期",
        "产地",
        "清真",
        "检疫证明",
        "检验合格证",
        "保质期至",
        "检疫检验合格",
    ] {
        assert!(html.contains(expected), "{expected} on the page");
    }
    // From there, a report about this lot: the form comes with the code filled in, and works without JS.
    let link = format!("/complaints/new?code={}", codes[0]);
    assert!(html.contains(&link));
    let form = app.get(&link, None).await;
    let form_html = form.body.as_str().expect("html");
    assert!(form_html.contains(&format!("value=\"{}\"", codes[0])));
    assert!(form_html.contains("<form method=\"post\" action=\"/complaints/new\""));
    assert!(!form_html.contains("<script"));
    assert!(app
        .get(&format!("{link}&lang=en"), None)
        .await
        .body
        .as_str()
        .expect("html")
        .contains("Report a meat problem"));
    // A mistake is shown on the form again, with what was typed kept.
    let bad = app
        .send(TestRequest::post().uri("/complaints/new").set_form([
            ("category", "adulterated"),
            ("description", "  "),
            ("code", codes[0].as_str()),
            ("place", "江南市场"),
        ]))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_html = bad.body.as_str().expect("html");
    // The form refuses what the API refuses (an empty description), and shows the refusal under the field.
    assert!(
        bad_html.contains(
            "</textarea><small class=\"field-err\" id=\"description-error\">不能为空</small>"
        ) && bad_html.contains("江南市场"),
        "{bad_html}"
    );
    // Every field's refusal at once, each beside its field, in the page's language.
    let bad = app
        .send(TestRequest::post().uri("/complaints/new").set_form([
            ("category", "adulterated"),
            ("description", "牛肉掺假"),
            ("reporter_phone", "12345"),
            ("reporter_name", "张\u{202e}三"),
            ("lang", "en"),
        ]))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_html = bad.body.as_str().expect("html");
    assert!(
        bad_html.contains("id=\"reporter_phone-error\">the phone number is not valid</small>")
            && bad_html.contains("id=\"reporter_name-error\">text must not contain control")
            && !bad_html.contains("id=\"description-error\""),
        "{bad_html}"
    );
    let sent = app
        .send(TestRequest::post().uri("/complaints/new").set_form([
            ("category", "adulterated"),
            ("description", "买到的牛肉掺了别的肉"),
            ("code", codes[0].as_str()),
            ("district", "haizhu"),
            ("lang", "zh"),
        ]))
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{sent:?}");
    let (ticket, code) = codes_on_page(sent.body.as_str().expect("html"));
    assert!(
        ticket.starts_with("TS") && code.len() == 10,
        "{ticket} {code}"
    );
    // The complaint names the lot.
    let staff = app
        .get("/api/v1/complaints", Some(&app.token("inspector.haizhu")))
        .await;
    let mine = staff.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["ticket_no"] == ticket.as_str())
        .expect("listed")
        .clone();
    assert_eq!(mine["subject_lot_id"], ids[0]);
    assert_eq!(mine["channel"], "web");
    // Following it on the page.
    let status = app
        .send(TestRequest::post().uri("/complaints/status").set_form([
            ("ticket_no", ticket.as_str()),
            ("access_code", code.as_str()),
        ]))
        .await;
    assert_eq!(status.status, StatusCode::OK);
    assert!(status.body.as_str().expect("html").contains("已受理"));
    let wrong = app
        .send(
            TestRequest::post()
                .uri("/complaints/status")
                .set_form([("ticket_no", ticket.as_str()), ("access_code", "NOPE")]),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert!(wrong
        .body
        .as_str()
        .expect("html")
        .contains("受理编号或查询码不正确"));
    // Recalled: the same label now says so.
    let r = app
        .post(
            &format!("/api/v1/lots/{}/recalls", ids[0]),
            Some(&app.token("inspector.city")),
            json!({"reason": "掺假举报核查"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(app
        .get(&path, None)
        .await
        .body
        .as_str()
        .expect("html")
        .contains("已召回，请勿食用"));
}

#[actix_web::test]
async fn the_reward_is_claimed_on_the_page() {
    let app = TestApp::with_cast(CAST).await;
    let filed = phoned_in(&app, "W-PAGE").await;
    let id = filed["id"].as_str().expect("id");
    let (ticket, code) = (
        filed["ticket_no"].as_str().expect("t"),
        filed["access_code"].as_str().expect("c"),
    );
    let officer = app.account("inspector.haizhu").user_id.clone();
    mv(
        &app,
        "hotline.01",
        id,
        "dispatch",
        json!({"officer_id": officer}),
    )
    .await;
    mv(&app, "inspector.haizhu", id, "investigate", json!({})).await;
    mv(
        &app,
        "inspector.haizhu",
        id,
        "conclude",
        json!({"substantiated": true, "finding": "属实", "reply": "查实"}),
    )
    .await;
    mv(&app, "mr.city", id, "reward", json!({"amount_fen": 30_050})).await;
    let page = app
        .send(TestRequest::post().uri("/complaints/status").set_form([
            ("ticket_no", ticket),
            ("access_code", code),
            ("lang", "en"),
        ]))
        .await;
    let html = page.body.as_str().expect("html");
    assert!(
        html.contains("300.50 yuan") && html.contains("Claim your reward"),
        "{html}"
    );
    let claimed = app
        .send(TestRequest::post().uri("/complaints/claim").set_form([
            ("ticket_no", ticket),
            ("access_code", code),
            ("name", "匿名者"),
            ("phone", "13700001111"),
        ]))
        .await;
    assert_eq!(claimed.status, StatusCode::OK, "{claimed:?}");
    assert!(claimed
        .body
        .as_str()
        .expect("html")
        .contains("奖励申领已提交"));
    let again = app
        .send(TestRequest::post().uri("/complaints/claim").set_form([
            ("ticket_no", ticket),
            ("access_code", code),
            ("name", "匿名者"),
            ("phone", "13700001111"),
        ]))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[actix_web::test]
async fn filing_and_look_ups_are_rate_limited_per_client() {
    let mut app = TestApp::with_settings(niuyang::config::AuthSettings {
        complaints_per_hour: 2,
        ticket_lookups_per_minute: 3,
        ..niuyang::config::AuthSettings::default()
    });
    app.cast(CAST).await;
    let body = json!({"category": "other", "description": "测试"});
    for _ in 0..2 {
        assert_eq!(
            app.post("/api/v1/complaints", None, body.clone())
                .await
                .status,
            StatusCode::CREATED
        );
    }
    let third = app.post("/api/v1/complaints", None, body.clone()).await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(third.code(), "too_many_requests");
    let wait: u64 = third
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!(wait >= 1);
    let page = app
        .send(
            TestRequest::post()
                .uri("/complaints/new")
                .set_form([("category", "other"), ("description", "x")]),
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers.contains_key("retry-after"));
    // Hotline operators are not limited.
    for n in 0..3 {
        let r = app.post("/api/v1/hotline/complaints", Some(&app.token("hotline.01")),
            json!({"category": "other", "description": "电话", "work_order_no": format!("W-RL-{n}")})).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    // Guessing access codes: a few tries a minute.
    for _ in 0..3 {
        assert_eq!(
            lookup(&app, "TS20261128000000", "AAAAAAAAAA").await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        lookup(&app, "TS20261128000000", "AAAAAAAAAA").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client (behind no proxy, another peer address) has its own quota.
    let other = app
        .send(
            TestRequest::post()
                .uri("/api/v1/complaints")
                .peer_addr("10.1.2.3:5000".parse().expect("addr"))
                .set_json(body),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED);
}

struct MatrixCtx {
    circulation: String,
    slaughter: String,
    idle: String,
    officer: String,
}

#[actix_web::test]
async fn complaint_role_matrix() {
    use crate::scope::{get, post, row, run_matrix, BuildOf};
    let mut app = TestApp::with_settings(niuyang::config::AuthSettings {
        complaints_per_hour: 1000,
        ticket_lookups_per_minute: 1000,
        ..niuyang::config::AuthSettings::default()
    });
    app.cast(&[CAST, MATRIX_CAST].concat()).await;
    let circulation = phoned_in(&app, "W-M1").await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let idle = phoned_in(&app, "W-M2").await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let slaughter = app
        .post("/api/v1/complaints", None,
            json!({"category": "unlicensed_slaughter", "description": "私宰点", "district": "conghua"}))
        .await.body["id"].as_str().expect("id").to_string();
    let ctx = MatrixCtx {
        circulation,
        slaughter,
        idle,
        officer: app.account("inspector.haizhu").user_id.clone(),
    };
    let rows: Vec<(&str, BuildOf<MatrixCtx>, &str)> = vec![
        ("list", row(|_, _| get("/api/v1/complaints".into())),
         "anon=401 vendor=403 sh=403 vet=403 admin=403 hotline=200 mr=200 sr=200 srb=200 insp=200 insph=200"),
        ("overdue", row(|_, _| get("/api/v1/complaints/overdue".into())),
         "anon=401 vendor=403 sh=403 vet=403 admin=403 hotline=200 mr=200 sr=200 insph=200"),
        ("read a circulation complaint of Haizhu", row(|c: &MatrixCtx, _| get(format!("/api/v1/complaints/{}", c.circulation))),
         "anon=401 vendor=403 sh=403 vet=403 admin=403 hotline=200 mr=200 sr=404 srb=404 insp=200 insph=200"),
        ("read a slaughter complaint of Conghua", row(|c: &MatrixCtx, _| get(format!("/api/v1/complaints/{}", c.slaughter))),
         "anon=401 vendor=403 hotline=200 sr=200 srb=404 mr=404 insp=200 insph=404"),
        ("officers", row(|c: &MatrixCtx, _| get(format!("/api/v1/complaints/{}/officers", c.circulation))),
         "anon=401 vendor=403 admin=403 hotline=200 mr=200 sr=404 insph=200"),
        ("dispatch", row(|c: &MatrixCtx, _| post(format!("/api/v1/complaints/{}/dispatch", c.circulation), json!({"officer_id": c.officer}))),
         "anon=401 vendor=403 sh=403 admin=403 vet=403 sr=404 srb=404 insp=403 insph=403 hotline=200 mr=200"),
        ("investigate what is not assigned", row(|c: &MatrixCtx, _| post(format!("/api/v1/complaints/{}/investigate", c.idle), json!({}))),
         "anon=401 vendor=403 hotline=403 mr=403 sr=404 insp=403 insph=403"),
        ("conclude", row(|c: &MatrixCtx, _| post(format!("/api/v1/complaints/{}/conclude", c.idle),
            json!({"substantiated": true, "finding": "x", "reply": "x"}))),
         "anon=401 vendor=403 hotline=403 mr=403 sr=404 insph=403"),
        ("reward before it is substantiated", row(|c: &MatrixCtx, _| post(format!("/api/v1/complaints/{}/reward", c.idle), json!({"amount_fen": 100}))),
         "anon=401 vendor=403 hotline=403 mr=409 sr=404 insph=403"),
        ("paid", row(|c: &MatrixCtx, _| post(format!("/api/v1/complaints/{}/reward/paid", c.idle), json!({"paid_on": "2026-01-05"}))),
         "anon=401 vendor=403 hotline=403 mr=409 sr=404"),
        ("close", row(|c: &MatrixCtx, _| post(format!("/api/v1/complaints/{}/close", c.idle), json!({}))),
         "anon=401 vendor=403 hotline=403 mr=409 sr=404 insph=403"),
        ("enter a phone complaint", row(|_, a: Option<&Account>| post("/api/v1/hotline/complaints".into(),
            json!({"category": "other", "description": "x", "work_order_no": format!("W-M-{}", a.map(|a| a.username.as_str()).unwrap_or("anon"))}))),
         "anon=401 vendor=403 sh=403 admin=403 mr=403 insp=403 hotline=201"),
        ("file on the web (public)", row(|_, _| post("/api/v1/complaints".into(), json!({"category": "other", "description": "x"}))),
         "anon=201 vendor=201 hotline=201"),
        ("look up with a wrong code", row(|_, _| post("/api/v1/public/complaints/lookup".into(), json!({"ticket_no": "TS1", "access_code": "X"}))),
         "anon=404 mr=404"),
        ("claim with a wrong code", row(|_, _| post("/api/v1/public/complaints/claim".into(),
            json!({"ticket_no": "TS1", "access_code": "X", "name": "x", "phone": "13800000000"}))),
         "anon=404"),
    ];
    let (failures, checked) = run_matrix(&app, &ctx, &rows).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 90, "{checked}");
}

/// The look-up page never takes the access code from its address (it would stay in histories and logs), and
/// the OpenAPI document shows the page's fields as a posted form, not as query parameters.
#[actix_web::test]
async fn the_access_code_is_never_read_from_the_address() {
    let app = TestApp::empty();
    let page = app
        .get(
            "/complaints/status?ticket_no=T20261201-0001&access_code=SECRET-CODE-42",
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().unwrap_or("").to_string();
    assert!(
        html.contains("T20261201-0001"),
        "the ticket number is filled in"
    );
    assert!(!html.contains("SECRET-CODE-42"), "the access code is not");
    let api = app.get("/api/openapi.json", None).await;
    let get_params: Vec<String> = api.body["paths"]["/complaints/status"]["get"]["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect();
    assert!(
        get_params.contains(&"ticket_no".to_string()),
        "{get_params:?}"
    );
    for secret in ["access_code", "name", "phone", "account"] {
        assert!(!get_params.iter().any(|p| p == secret), "{get_params:?}");
    }
    let form = &api.body["paths"]["/complaints/claim"]["post"]["requestBody"]["content"]
        ["application/x-www-form-urlencoded"]["schema"];
    assert!(
        form.get("$ref").is_some() || form.get("properties").is_some(),
        "{form}"
    );
}
