//! The slaughterhouse registry: designation, amendments, status history, agreements, fee schedules,
//! credit files, standing on a day, and the public read.

use actix_web::http::StatusCode;
use serde_json::json;

use crate::build::*;
use crate::common::*;

#[actix_web::test]
async fn designate_then_read_back() {
    let app = TestApp::with_cast(&["sr.city"]).await;
    let sr = app.token("sr.city");
    let r = app
        .post(
            "/api/v1/slaughterhouses",
            Some(&sr),
            designation("花都狮岭牛羊定点屠宰场", "huadu", 1),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let id = r.body["id"].as_str().expect("id").to_string();
    assert_eq!(r.body["status"], "designated");
    assert_eq!(r.body["district_name"], "花都区");
    assert_eq!(r.body["halal"]["number"], "QZ-1");
    // No agreement yet: not in the network, though it may slaughter.
    assert_eq!(r.body["today"]["in_network"], false);
    assert_eq!(
        r.body["today"]["in_network_refusal"]["code"],
        "no_agreement_in_force"
    );
    assert_eq!(r.body["today"]["may_slaughter_cattle"], true);

    let got = app
        .get(&format!("/api/v1/slaughterhouses/{id}"), Some(&sr))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body["name"], "花都狮岭牛羊定点屠宰场");

    let credit = app
        .get(
            &format!("/api/v1/organisations/{id}/credit-events"),
            Some(&sr),
        )
        .await;
    assert_eq!(credit.body["total"], 1);
    assert_eq!(credit.body["items"][0]["kind"], "designated");
}

#[actix_web::test]
async fn designation_is_refused_with_a_reason() {
    let app = TestApp::with_cast(&["sr.city"]).await;
    let sr = app.token("sr.city");
    let mut bad = designation("某屠宰场", "baiyun", 2);
    let code = bad["uscc"].as_str().expect("uscc").to_string();
    // Change the check character.
    let wrong_check = format!(
        "{}{}",
        &code[..17],
        if code.ends_with('0') { '1' } else { '0' }
    );
    bad["uscc"] = json!(wrong_check);
    let r = app.post("/api/v1/slaughterhouses", Some(&sr), bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "invalid_uscc");
    assert!(
        r.body["detail"].as_str().unwrap_or("").contains("校验位"),
        "{r:?}"
    );
    // The code is checked as the body is read, and the refusal names its field.
    assert_eq!(r.body["errors"][0]["field"], "uscc", "{r:?}");
    assert_eq!(r.body["errors"][0]["code"], "invalid_uscc");

    let mut short = designation("某屠宰场", "baiyun", 3);
    short["uscc"] = json!("9144011");
    assert_eq!(
        app.post("/api/v1/slaughterhouses", Some(&sr), short)
            .await
            .code(),
        "invalid_uscc"
    );
    // Lower case and surrounding spaces are accepted: the code is stored upper-cased.
    let mut lower = designation("某屠宰场", "baiyun", 7);
    let code7 = lower["uscc"].as_str().expect("uscc").to_string();
    lower["uscc"] = json!(format!(" {} ", code7.to_lowercase()));
    let r = app.post("/api/v1/slaughterhouses", Some(&sr), lower).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    assert_eq!(r.body["uscc"], code7.as_str());

    let mut backwards = designation("某屠宰场", "baiyun", 4);
    backwards["licence_valid_from"] = json!("2030-01-01");
    backwards["licence_valid_until"] = json!("2029-01-01");
    assert_eq!(
        app.post("/api/v1/slaughterhouses", Some(&sr), backwards)
            .await
            .code(),
        "invalid_licence_period"
    );

    let ok = app
        .post(
            "/api/v1/slaughterhouses",
            Some(&sr),
            designation("甲", "baiyun", 5),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED);
    let dup = app
        .post(
            "/api/v1/slaughterhouses",
            Some(&sr),
            designation("乙", "baiyun", 5),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.code(), "slaughterhouse_exists");

    let mut blank = designation("  ", "baiyun", 6);
    blank["name"] = json!("   ");
    assert_eq!(
        app.post("/api/v1/slaughterhouses", Some(&sr), blank)
            .await
            .code(),
        "invalid_field"
    );
}

#[actix_web::test]
async fn status_changes_keep_their_history_and_revocation_is_final() {
    let app = TestApp::with_cast(&["sr.city", SUIBEI]).await;
    let sr = app.token("sr.city");
    let id = app.org_id("广州市穗北牛羊定点屠宰场");
    let path = format!("/api/v1/slaughterhouses/{id}/status-changes");

    let s = app
        .post(
            &path,
            Some(&sr),
            json!({"action": "suspend", "reason": "检查发现问题"}),
        )
        .await;
    assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
    assert_eq!(s.body["from_status"], "designated");
    assert_eq!(s.body["to_status"], "suspended");
    let standing = app
        .get(&format!("/api/v1/slaughterhouses/{id}/standing"), Some(&sr))
        .await;
    assert_eq!(standing.body["may_slaughter_cattle"], false);
    assert_eq!(standing.body["in_network"], false);
    assert_eq!(
        standing.body["in_network_refusal"]["code"],
        "slaughterhouse_suspended"
    );

    let again = app
        .post(
            &path,
            Some(&sr),
            json!({"action": "suspend", "reason": "再次"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "invalid_status_transition");
    let no_reason = app
        .post(
            &path,
            Some(&sr),
            json!({"action": "reinstate", "reason": " "}),
        )
        .await;
    assert_eq!(no_reason.code(), "invalid_field");

    let back = app
        .post(
            &path,
            Some(&sr),
            json!({"action": "reinstate", "reason": "整改完成"}),
        )
        .await;
    assert_eq!(back.body["to_status"], "designated");
    let gone = app
        .post(
            &path,
            Some(&sr),
            json!({"action": "revoke", "reason": "屡次违规"}),
        )
        .await;
    assert_eq!(gone.body["to_status"], "revoked");
    let revived = app
        .post(
            &path,
            Some(&sr),
            json!({"action": "reinstate", "reason": "x"}),
        )
        .await;
    assert_eq!(revived.code(), "invalid_status_transition");
    let amended = app
        .patch(
            &format!("/api/v1/slaughterhouses/{id}"),
            Some(&sr),
            json!({"address": "新地址"}),
        )
        .await;
    assert_eq!(amended.code(), "slaughterhouse_revoked");

    let history = app.get(&path, Some(&sr)).await;
    let steps: Vec<&str> = history
        .body
        .as_array()
        .expect("history")
        .iter()
        .map(|c| c["to_status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(steps, ["suspended", "designated", "revoked"]);
    let credit = app
        .get(
            &format!("/api/v1/organisations/{id}/credit-events"),
            Some(&sr),
        )
        .await;
    let kinds: Vec<&str> = credit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    for k in [
        "designated",
        "agreement_signed",
        "suspended",
        "reinstated",
        "revoked",
    ] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
}

#[actix_web::test]
async fn agreements_decide_whether_a_house_is_in_the_network_on_a_day() {
    let app = TestApp::with_cast(&["sr.city"]).await;
    let sr = app.token("sr.city");
    let r = app
        .post(
            "/api/v1/slaughterhouses",
            Some(&sr),
            designation("测试厂", "nansha", 7),
        )
        .await;
    let id = r.body["id"].as_str().expect("id").to_string();
    let add = app
        .post(
            &format!("/api/v1/slaughterhouses/{id}/agreements"),
            Some(&sr),
            json!({"number": "穗屠质安协〔2026〕T7号", "signed_on": "2026-01-01", "expires_on": "2026-06-30"}),
        )
        .await;
    assert_eq!(add.status, StatusCode::CREATED, "{add:?}");
    let on = |day: &str| format!("/api/v1/slaughterhouses/{id}/standing?on={day}");
    assert_eq!(
        app.get(&on("2026-06-30"), Some(&sr)).await.body["in_network"],
        true
    );
    let lapsed = app.get(&on("2026-07-01"), Some(&sr)).await;
    assert_eq!(lapsed.body["in_network"], false);
    assert_eq!(
        lapsed.body["in_network_refusal"]["code"],
        "no_agreement_in_force"
    );
    assert_eq!(
        app.get(&on("2025-12-31"), Some(&sr)).await.body["in_network"],
        false
    );

    let backwards = app
        .post(
            &format!("/api/v1/slaughterhouses/{id}/agreements"),
            Some(&sr),
            json!({"number": "X-2", "signed_on": "2026-07-01", "expires_on": "2026-01-01"}),
        )
        .await;
    assert_eq!(backwards.code(), "invalid_agreement_term");
    let dup = app
        .post(
            &format!("/api/v1/slaughterhouses/{id}/agreements"),
            Some(&sr),
            json!({"number": "穗屠质安协〔2026〕T7号", "signed_on": "2026-07-01", "expires_on": "2026-12-31"}),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);

    // A licence that lapsed takes it out of the network and stops slaughter.
    let amended = app
        .patch(
            &format!("/api/v1/slaughterhouses/{id}"),
            Some(&sr),
            json!({"licence_valid_until": "2026-03-31"}),
        )
        .await;
    assert_eq!(amended.status, StatusCode::OK, "{amended:?}");
    let april = app.get(&on("2026-04-01"), Some(&sr)).await;
    assert_eq!(april.body["in_network_refusal"]["code"], "licence_expired");
    assert_eq!(april.body["may_slaughter_sheep"], false);
}

#[actix_web::test]
async fn fee_schedule_items_cannot_overlap_and_can_be_ended() {
    let app = TestApp::with_cast(&["sr.city", LIANGKOU]).await;
    let sr = app.token("sr.city");
    let id = app.org_id("广州市从化良口牛羊定点屠宰场");
    let path = format!("/api/v1/slaughterhouses/{id}/fee-items");
    let listed = app.get(&path, Some(&sr)).await;
    let current = listed
        .body
        .as_array()
        .expect("items")
        .iter()
        .find(|f| f["item"] == "牛屠宰费")
        .expect("fee")
        .clone();
    assert_eq!(current["cap_fen"], 12_000);
    assert_eq!(current["unit"], "per_head");

    let clash = app
        .post(
            &path,
            Some(&sr),
            json!({"item": "牛屠宰费", "unit": "per_head", "cap_fen": 13_000, "effective_from": "2030-01-01"}),
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert_eq!(clash.code(), "fee_item_overlaps");
    let negative = app
        .post(
            &path,
            Some(&sr),
            json!({"item": "新项目", "unit": "per_kg", "cap_fen": -1, "effective_from": "2030-01-01"}),
        )
        .await;
    assert_eq!(negative.code(), "invalid_amount");

    let end = app
        .post(
            &format!("{path}/{}/end", current["id"].as_str().expect("id")),
            Some(&sr),
            json!({"effective_until": "2029-12-31"}),
        )
        .await;
    assert_eq!(end.status, StatusCode::OK, "{end:?}");
    let next = app
        .post(
            &path,
            Some(&sr),
            json!({"item": "牛屠宰费", "unit": "per_head", "cap_fen": 13_000, "effective_from": "2030-01-01",
                   "approval_ref": "穗发改价格〔2029〕8号"}),
        )
        .await;
    assert_eq!(next.status, StatusCode::CREATED, "{next:?}");
    let in_2030 = app.get(&format!("{path}?on=2030-06-01"), Some(&sr)).await;
    let caps: Vec<i64> = in_2030
        .body
        .as_array()
        .expect("items")
        .iter()
        .filter(|f| f["item"] == "牛屠宰费")
        .map(|f| f["cap_fen"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(caps, [13_000]);
}

#[actix_web::test]
async fn lists_filter_and_page_and_the_public_sees_only_public_fields() {
    let app = TestApp::with_cast(&["sr.city", SUIBEI, YUNAN, LIANGKOU, ZHENGGUO]).await;
    let sr = app.token("sr.city");
    let all = app.get("/api/v1/slaughterhouses", Some(&sr)).await;
    assert_eq!(all.body["total"], 4);
    let suspended = app
        .get("/api/v1/slaughterhouses?status=suspended", Some(&sr))
        .await;
    assert_eq!(suspended.body["total"], 1);
    assert_eq!(suspended.body["items"][0]["district"], "zengcheng");
    let sheep = app
        .get("/api/v1/slaughterhouses?species=sheep", Some(&sr))
        .await;
    assert_eq!(
        sheep.body["total"], 3,
        "both-species houses count for sheep"
    );
    let panyu = app
        .get("/api/v1/slaughterhouses?district=panyu", Some(&sr))
        .await;
    assert_eq!(panyu.body["total"], 1);
    let page = app
        .get("/api/v1/slaughterhouses?limit=2&offset=2", Some(&sr))
        .await;
    assert_eq!(page.body["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(page.body["total"], 4);
    let found = app
        .get("/api/v1/slaughterhouses?q=%E7%A6%BA%E5%8D%97", Some(&sr))
        .await;
    assert_eq!(found.body["total"], 1, "search by part of the name");
    // The search text is matched as written: % and _ are not wildcards.
    for wild in ["%25", "_", "%25%25", "%5C"] {
        let r = app
            .get(&format!("/api/v1/public/slaughterhouses?q={wild}"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{wild}: {r:?}");
        assert_eq!(r.body["total"], 0, "{wild} lists nothing: {r:?}");
    }
    // A NUL or another control character is refused, on both backends, never a 500.
    for bad in ["%00", "a%00b", "%1B"] {
        let r = app
            .get(&format!("/api/v1/public/slaughterhouses?q={bad}"), None)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {r:?}");
        assert_eq!(r.code(), "invalid_query");
    }

    let public = app.get("/api/v1/public/slaughterhouses", None).await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(public.body["total"], 4);
    let yunan = public.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["name"] == "广州禺南清真牛羊屠宰厂")
        .expect("yunan")
        .clone();
    assert_eq!(yunan["halal"], true);
    let keys: Vec<&String> = yunan.as_object().expect("object").keys().collect();
    for private in ["uscc", "licence_no", "address", "agreement"] {
        assert!(
            !keys.iter().any(|k| k.as_str() == private),
            "{private} is not public"
        );
    }
}

#[actix_web::test]
async fn district_regulators_and_vets_stay_inside_their_scope() {
    let app = TestApp::with_cast(&[
        "sr.baiyun",
        "sr.city",
        "demo.admin",
        SUIBEI,
        YUNAN,
        LIANGKOU,
        "vet.chen",
    ])
    .await;
    let baiyun = app.token("sr.baiyun");
    let mine = app.org_id("广州市穗北牛羊定点屠宰场");
    let theirs = app.org_id("广州禺南清真牛羊屠宰厂");

    let list = app.get("/api/v1/slaughterhouses", Some(&baiyun)).await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["id"], mine.as_str());
    let other_district = app
        .get("/api/v1/slaughterhouses?district=panyu", Some(&baiyun))
        .await;
    assert_eq!(other_district.body["total"], 0);
    assert_eq!(
        app.get(&format!("/api/v1/slaughterhouses/{theirs}"), Some(&baiyun))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let suspend = app
        .post(
            &format!("/api/v1/slaughterhouses/{theirs}/status-changes"),
            Some(&baiyun),
            json!({"action": "suspend", "reason": "越权"}),
        )
        .await;
    assert_eq!(suspend.status, StatusCode::NOT_FOUND);
    let elsewhere = app
        .post(
            "/api/v1/slaughterhouses",
            Some(&baiyun),
            designation("番禺新厂", "panyu", 9),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    let here = app
        .post(
            "/api/v1/slaughterhouses",
            Some(&baiyun),
            designation("白云新厂", "baiyun", 10),
        )
        .await;
    assert_eq!(here.status, StatusCode::CREATED);

    // The vet is assigned to the first two houses only.
    let vet = app.token("vet.chen");
    let seen = app.get("/api/v1/slaughterhouses", Some(&vet)).await;
    assert_eq!(seen.body["total"], 2);
    let liangkou = app.org_id("广州市从化良口牛羊定点屠宰场");
    assert_eq!(
        app.get(&format!("/api/v1/slaughterhouses/{liangkou}"), Some(&vet))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // An assignment ended takes effect at once.
    let admin = app.token("demo.admin");
    let vet_id = app.account("vet.chen").user_id.clone();
    let assignments = app
        .get(
            &format!("/api/v1/users/{vet_id}/vet-assignments"),
            Some(&admin),
        )
        .await;
    let first = assignments.body[0]["id"].as_str().expect("id").to_string();
    let end = app
        .post(
            &format!("/api/v1/vet-assignments/{first}/end"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(end.status, StatusCode::OK, "{end:?}");
    assert_eq!(
        app.get("/api/v1/slaughterhouses", Some(&vet)).await.body["total"],
        1
    );
    let again = app
        .post(
            &format!("/api/v1/vet-assignments/{first}/end"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(again.code(), "assignment_ended");
    let not_vet = app.account("sr.city").user_id.clone();
    let wrong = app
        .post(
            &format!("/api/v1/users/{not_vet}/vet-assignments"),
            Some(&admin),
            json!({"slaughterhouse_id": liangkou}),
        )
        .await;
    assert_eq!(wrong.code(), "not_a_vet");
}

#[actix_web::test]
async fn credit_files_take_manual_events_from_the_regulator_of_their_side() {
    let app = TestApp::with_cast(&["sr.city", "mr.city", YUNAN, "vendor.jiangnan12"]).await;
    let house = app.org_id("广州禺南清真牛羊屠宰厂");
    let shop = app.account("vendor.jiangnan12").org_id.clone();
    let warn = json!({"kind": "warning", "summary": "台账记录不全，予以警示"});

    let sr = app.token("sr.city");
    let mr = app.token("mr.city");
    let ok = app
        .post(
            &format!("/api/v1/organisations/{house}/credit-events"),
            Some(&sr),
            warn.clone(),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{ok:?}");
    // The market regulator writes buyers' files, not slaughterhouses'.
    let wrong_side = app
        .post(
            &format!("/api/v1/organisations/{house}/credit-events"),
            Some(&mr),
            warn.clone(),
        )
        .await;
    assert_eq!(wrong_side.status, StatusCode::NOT_FOUND);
    let buyer = app
        .post(
            &format!("/api/v1/organisations/{shop}/credit-events"),
            Some(&mr),
            warn.clone(),
        )
        .await;
    assert_eq!(buyer.status, StatusCode::CREATED);
    let penalty = app
        .post(
            &format!("/api/v1/organisations/{shop}/credit-events"),
            Some(&mr),
            json!({"kind": "violation_penalised", "summary": "手工处罚"}),
        )
        .await;
    assert_eq!(penalty.code(), "credit_kind_not_manual");
    let future = app
        .post(
            &format!("/api/v1/organisations/{shop}/credit-events"),
            Some(&mr),
            json!({"kind": "note", "summary": "x", "occurred_on": "2999-01-01"}),
        )
        .await;
    assert_eq!(future.code(), "date_in_future");

    // The enterprise reads its own file, and no one else's.
    let own = app
        .get(
            &format!("/api/v1/organisations/{shop}/credit-events"),
            Some(&app.token("vendor.jiangnan12")),
        )
        .await;
    assert_eq!(own.body["total"], 1);
    let other = app
        .get(
            &format!("/api/v1/organisations/{house}/credit-events"),
            Some(&app.token("vendor.jiangnan12")),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}
