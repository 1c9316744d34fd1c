//! The slaughter chain: story 1 of domain.md end to end, every refusal with its code (and the attempt it
//! leaves), evidence corrected by new records, QR labels that decode to the verification address, and the
//! role × endpoint matrix of the chain's endpoints.

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::build::*;
use crate::common::*;
use crate::scope::{get, post, row, run_matrix, BuildOf};

fn tags(species_digit: char, first: u32, n: u32) -> Vec<String> {
    (first..first + n)
        .map(|i| format!("{species_digit}441803{i:08}"))
        .collect()
}

pub struct Chain<'a> {
    pub app: &'a TestApp,
    pub sh: String,
    pub vet: String,
    pub house: String,
}

impl<'a> Chain<'a> {
    pub fn at(app: &'a TestApp, house: &str, sh: &str) -> Chain<'a> {
        Chain {
            app,
            sh: app.token(sh),
            vet: app.token("vet.chen"),
            house: app.org_id(house),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn certificate(
        &self,
        number: &str,
        cert_type: &str,
        species: &str,
        heads: i32,
        tags: &[String],
        issued_hours_ago: i64,
    ) -> Resp {
        self.app
            .post(
                "/api/v1/animal-certificates",
                Some(&self.sh),
                json!({
                    "number": number, "cert_type": cert_type, "species": species, "head_count": heads,
                    "owner_name": "陈某某", "origin_place": "广东省清远市清新区", "destination_id": self.house,
                    "carrier": "粤运畜禽运输有限公司", "vehicle_plate": "粤R·3C417",
                    "issued_at": hours_ago(issued_hours_ago), "ear_tags": tags,
                }),
            )
            .await
    }

    pub async fn intake(
        &self,
        number: &str,
        species: &str,
        alive: i32,
        dead: i32,
        tags: &[String],
    ) -> Resp {
        self.intake_as(&self.sh, number, species, alive, dead, tags)
            .await
    }

    pub async fn intake_as(
        &self,
        token: &str,
        number: &str,
        species: &str,
        alive: i32,
        dead: i32,
        tags: &[String],
    ) -> Resp {
        self.app
            .post(
                "/api/v1/intakes",
                Some(token),
                json!({"certificate_number": number, "species": species, "heads_alive": alive,
                       "heads_dead": dead, "ear_tags": tags, "vehicle_plate": "粤R·3C417"}),
            )
            .await
    }

    pub async fn check(&self, intake: &str) -> Resp {
        self.app
            .post(
                &format!("/api/v1/intakes/{intake}/checks"),
                Some(&self.vet),
                json!({"accepted": true, "note": "证物相符"}),
            )
            .await
    }

    pub async fn batch(&self, no: &str, species: &str, halal: bool, draws: &[(&str, i32)]) -> Resp {
        let draws: Vec<Value> = draws
            .iter()
            .map(|(i, h)| json!({"intake_id": i, "heads": h}))
            .collect();
        self.app
            .post(
                "/api/v1/batches",
                Some(&self.sh),
                json!({"batch_no": no, "species": species, "halal": halal, "draws": draws}),
            )
            .await
    }

    pub async fn quarantine(&self, batch: &str, passed: i32, failed: i32, cert_no: &str) -> Resp {
        let cert = (passed > 0).then(|| {
            json!({"number": cert_no, "cert_type": "product_b", "product": "鲜牛肉",
                   "quantity": 4750, "unit": "kg"})
        });
        self.app
            .post(
                &format!("/api/v1/batches/{batch}/quarantine"),
                Some(&self.vet),
                json!({"heads_passed": passed, "heads_failed": failed, "samples": 3, "positives": 0,
                       "product_certificate": cert}),
            )
            .await
    }

    pub async fn inspect(&self, batch: &str, number: &str, weight_g: i64, passed: bool) -> Resp {
        self.app
            .post(
                &format!("/api/v1/batches/{batch}/inspection-certificates"),
                Some(&self.sh),
                json!({"number": number, "weight_g": weight_g, "inspector": "李检验", "passed": passed}),
            )
            .await
    }

    pub async fn lots(&self, batch: &str, weights: &[i64]) -> Resp {
        let lots: Vec<Value> = weights
            .iter()
            .map(|w| json!({"product_kind": "cuts", "product_name": "牛腩", "weight_g": w, "storage": "chilled"}))
            .collect();
        self.app
            .post(
                &format!("/api/v1/batches/{batch}/lots"),
                Some(&self.sh),
                json!({"lots": lots}),
            )
            .await
    }

    /// Certificate, intake, check, batch, quarantine (all passed) and inspection: a batch ready for lots.
    pub async fn ready_batch(&self, tag_from: u32, heads: i32, weight_g: i64) -> String {
        let t = tags('2', tag_from, heads as u32);
        let number = format!("CERT-{tag_from}");
        let c = self
            .certificate(&number, "animal_b", "cattle", heads, &t, 0)
            .await;
        assert_eq!(c.status, StatusCode::CREATED, "{c:?}");
        let i = self.intake(&number, "cattle", heads, 0, &t).await;
        assert_eq!(i.status, StatusCode::CREATED, "{i:?}");
        let intake = i.body["id"].as_str().expect("id").to_string();
        assert_eq!(self.check(&intake).await.status, StatusCode::CREATED);
        let b = self
            .batch(
                &format!("B-{tag_from}"),
                "cattle",
                false,
                &[(&intake, heads)],
            )
            .await;
        assert_eq!(b.status, StatusCode::CREATED, "{b:?}");
        let batch = b.body["id"].as_str().expect("id").to_string();
        let q = self
            .quarantine(&batch, heads, 0, &format!("PB-{tag_from}"))
            .await;
        assert_eq!(q.status, StatusCode::CREATED, "{q:?}");
        let ic = self
            .inspect(&batch, &format!("JY-{tag_from}"), weight_g, true)
            .await;
        assert_eq!(ic.status, StatusCode::CREATED, "{ic:?}");
        batch
    }
}

async fn attempts(app: &TestApp, rule: &str) -> Vec<Value> {
    let r = app
        .get(
            &format!("/api/v1/violations?rule={rule}&source=attempt"),
            Some(&app.token("inspector.city")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.body["items"].as_array().cloned().unwrap_or_default()
}

#[actix_web::test]
async fn story_1_from_truck_to_labelled_lots() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "sr.city"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let vet_id = app.account("vet.chen").user_id.clone();

    // 20 head of cattle on a 动物B certificate, in one delivery; the vet checks them in.
    let t = tags('2', 500, 20);
    let cert = c
        .certificate("4418032026112800501", "animal_b", "cattle", 20, &t, 0)
        .await;
    assert_eq!(cert.status, StatusCode::CREATED, "{cert:?}");
    assert_eq!(cert.body["ear_tags"].as_array().map(Vec::len), Some(20));
    assert_eq!(
        cert.body["valid_until"],
        cert.body["issued_at"]
            .as_str()
            .map(|s| &s[..10])
            .unwrap_or("")
    );
    let intake = c.intake("4418032026112800501", "cattle", 20, 0, &t).await;
    assert_eq!(intake.status, StatusCode::CREATED, "{intake:?}");
    let intake_id = intake.body["id"].as_str().expect("id").to_string();
    let checked = c.check(&intake_id).await;
    assert_eq!(checked.status, StatusCode::CREATED, "{checked:?}");

    // Slaughtered as one batch; the vet passes 19 and fails 1, and issues a 产品B certificate.
    let batch = c
        .batch("SB-20261128-07", "cattle", false, &[(&intake_id, 20)])
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{batch:?}");
    let batch_id = batch.body["id"].as_str().expect("id").to_string();
    let q = c.quarantine(&batch_id, 19, 1, "PB-STORY-1").await;
    assert_eq!(q.status, StatusCode::CREATED, "{q:?}");
    assert_eq!(q.body["product_certificate"]["cert_type"], "product_b");
    let view = app
        .get(&format!("/api/v1/batches/{batch_id}"), Some(&c.sh))
        .await;
    assert_eq!(view.body["failed_heads"], 1);
    assert_eq!(view.body["failed_heads_all_disposed"], false);

    // The failed head goes to rendering under the vet's supervision.
    let d = app
        .post(
            "/api/v1/disposals",
            Some(&c.sh),
            json!({"target": "failed_heads", "batch_id": batch_id, "reason": "quarantine_fail",
                   "method": "rendering", "weight_g": 250_000, "heads": 1, "handler": "广州市无害化处理中心",
                   "supervising_vet_id": vet_id, "outsourced": true, "handover_slip": "WHH-0001"}),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{d:?}");
    let view = app
        .get(&format!("/api/v1/batches/{batch_id}"), Some(&c.sh))
        .await;
    assert_eq!(view.body["failed_heads_all_disposed"], true);

    // The slaughterhouse inspects, cuts the batch into lots and prints labels.
    let ic = c
        .inspect(&batch_id, "GZJY2026112807", 4_750_000, true)
        .await;
    assert_eq!(ic.status, StatusCode::CREATED, "{ic:?}");
    let lots = c
        .lots(&batch_id, &[1_200_000, 1_200_000, 800_000, 500_000])
        .await;
    assert_eq!(lots.status, StatusCode::CREATED, "{lots:?}");
    let lots = lots.body.as_array().expect("lots").clone();
    assert_eq!(lots.len(), 4);
    for l in &lots {
        let code = l["trace_code"].as_str().expect("code");
        assert_eq!(niuyang::lots::trace_code::parse(code), Ok(code.to_string()));
        assert_eq!(
            l["verification_url"],
            format!("http://127.0.0.1:8080/t/{code}")
        );
        assert_eq!(l["status"], "active");
        assert_eq!(l["halal"], false);
        let use_by: chrono::NaiveDate =
            l["use_by"].as_str().expect("use by").parse().expect("date");
        let slaughtered: chrono::NaiveDate = view.body["slaughter_date"]
            .as_str()
            .expect("date")
            .parse()
            .expect("date");
        assert_eq!((use_by - slaughtered).num_days(), 7, "chilled shelf life");
    }

    // The QR label decodes to the lot's verification address.
    let lot_id = lots[0]["id"].as_str().expect("id");
    let png = app
        .send(
            TestRequest::get()
                .uri(&format!("/api/v1/lots/{lot_id}/qr.png"))
                .insert_header(("authorization", format!("Bearer {}", c.sh))),
        )
        .await;
    assert_eq!(png.status, StatusCode::OK);
    assert_eq!(
        png.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    let bytes = png_bytes(&app, &c.sh, lot_id).await;
    let img = image::load_from_memory(&bytes).expect("png").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().expect("decode");
    assert_eq!(content, lots[0]["verification_url"].as_str().expect("url"));
    let svg = app
        .get(&format!("/api/v1/lots/{lot_id}/qr.svg"), Some(&c.sh))
        .await;
    assert!(svg.body.as_str().unwrap_or("").contains("<svg"));
    let sheet = app
        .get(&format!("/api/v1/batches/{batch_id}/labels"), Some(&c.sh))
        .await;
    let html = sheet.body.as_str().unwrap_or("").to_string();
    for l in &lots {
        assert!(html.contains(l["trace_code_display"].as_str().expect("code")));
    }
    assert_eq!(html.matches("<svg").count(), 4);

    // Fees charged within the schedule open nothing.
    let fee = app
        .post(
            &format!("/api/v1/batches/{batch_id}/fees"),
            Some(&c.sh),
            json!({"item": "牛屠宰费", "quantity": 20, "amount_fen": 240_000}),
        )
        .await;
    assert_eq!(fee.status, StatusCode::CREATED, "{fee:?}");
    assert_eq!(fee.body["charge"]["finding"], "within_cap");
    assert!(fee.body["violation_id"].is_null());

    // And the whole chain is in the audit trail.
    let audit = app
        .get("/api/v1/audit/verify", Some(&app.token("sr.city")))
        .await;
    assert_eq!(audit.body["ok"], true, "{audit:?}");
}

pub async fn png_bytes(app: &TestApp, token: &str, lot_id: &str) -> Vec<u8> {
    use actix_web::test;
    let service = test::init_service(niuyang::app::build_app(app.state.clone())).await;
    let req = TestRequest::get()
        .uri(&format!("/api/v1/lots/{lot_id}/qr.png"))
        .insert_header(("authorization", format!("Bearer {token}")))
        .to_request();
    let res = test::call_service(&service, req).await;
    test::read_body(res).await.to_vec()
}

#[actix_web::test]
async fn intake_refusals_each_have_their_code_and_leave_an_attempt() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "sh.yunan",
        "sh.zhengguo",
        "sh.liangkou",
        "vet.chen",
        "sr.city",
        "inspector.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let y = Chain::at(&app, YUNAN, "sh.yunan");

    // Expired: a 动物B certificate issued three days ago.
    let old = tags('2', 100, 2);
    assert_eq!(
        c.certificate("OLD-1", "animal_b", "cattle", 2, &old, 72)
            .await
            .status,
        StatusCode::CREATED
    );
    let r = c.intake("OLD-1", "cattle", 2, 0, &old).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "certificate_expired", "{r:?}");
    assert!(r.body["detail"].as_str().unwrap_or("").contains("过期"));
    // A 动物A certificate of the same age is still valid (5 days).
    let a = tags('2', 110, 2);
    c.certificate("A-1", "animal_a", "cattle", 2, &a, 72).await;
    assert_eq!(
        c.intake("A-1", "cattle", 2, 0, &a).await.status,
        StatusCode::CREATED
    );

    // Species differs.
    let s = tags('2', 120, 3);
    c.certificate("SP-1", "animal_b", "cattle", 3, &s, 0).await;
    assert_eq!(
        c.intake("SP-1", "sheep", 3, 0, &[]).await.code(),
        "species_mismatch"
    );

    // Addressed to another slaughterhouse.
    let other = tags('2', 130, 2);
    assert_eq!(
        y.certificate("YN-1", "animal_b", "cattle", 2, &other, 0)
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        c.intake("YN-1", "cattle", 2, 0, &other).await.code(),
        "destination_mismatch"
    );

    // Over the head count across intakes: one delivery in two intakes is fine, a third is not.
    let used = tags('2', 140, 5);
    c.certificate("USE-1", "animal_b", "cattle", 5, &used, 0)
        .await;
    assert_eq!(
        c.intake("USE-1", "cattle", 3, 0, &used[..3]).await.status,
        StatusCode::CREATED
    );
    let second = c.intake("USE-1", "cattle", 1, 1, &used[3..4]).await;
    assert_eq!(second.status, StatusCode::CREATED, "{second:?}");
    assert_eq!(second.body["heads_dead"], 1, "dead in transit recorded");
    let third = c.intake("USE-1", "cattle", 1, 0, &used[4..]).await;
    assert_eq!(third.code(), "certificate_used_up", "{third:?}");

    // An ear tag already slaughtered, even on a new certificate.
    let again = vec![used[0].clone()];
    c.certificate("AGAIN-1", "animal_b", "cattle", 1, &again, 0)
        .await;
    assert_eq!(
        c.intake("AGAIN-1", "cattle", 1, 0, &again).await.code(),
        "ear_tag_already_slaughtered"
    );
    // An ear tag the certificate does not list.
    let listed = tags('2', 150, 2);
    c.certificate("LIST-1", "animal_b", "cattle", 2, &listed, 0)
        .await;
    let stranger = tags('2', 160, 1);
    assert_eq!(
        c.intake("LIST-1", "cattle", 1, 0, &stranger).await.code(),
        "ear_tag_not_on_certificate"
    );

    // Suspended (正果 in the demo), not licensed for the species (良口: cattle only).
    let z = Chain::at(&app, ZHENGGUO, "sh.zhengguo");
    let sheep = tags('3', 170, 2);
    assert_eq!(
        z.certificate("ZG-1", "animal_b", "sheep", 2, &sheep, 0)
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        z.intake("ZG-1", "sheep", 2, 0, &sheep).await.code(),
        "slaughterhouse_suspended"
    );
    let l = Chain::at(&app, LIANGKOU, "sh.liangkou");
    let lk = tags('3', 180, 2);
    l.certificate("LK-1", "animal_b", "sheep", 2, &lk, 0).await;
    assert_eq!(
        l.intake("LK-1", "sheep", 2, 0, &lk).await.code(),
        "species_not_licensed"
    );

    // Revoked.
    let sr = app.token("sr.city");
    let lkc = tags('2', 190, 1);
    l.certificate("LK-2", "animal_b", "cattle", 1, &lkc, 0)
        .await;
    app.post(
        &format!("/api/v1/slaughterhouses/{}/status-changes", l.house),
        Some(&sr),
        json!({"action": "revoke", "reason": "测试"}),
    )
    .await;
    assert_eq!(
        l.intake("LK-2", "cattle", 1, 0, &lkc).await.code(),
        "slaughterhouse_revoked"
    );

    // Licence expired.
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(2))
        .date_naive()
        .to_string();
    app.patch(
        &format!("/api/v1/slaughterhouses/{}", y.house),
        Some(&sr),
        json!({"licence_valid_until": yesterday}),
    )
    .await;
    let yt = tags('2', 200, 1);
    y.certificate("YN-2", "animal_b", "cattle", 1, &yt, 0).await;
    assert_eq!(
        y.intake("YN-2", "cattle", 1, 0, &yt).await.code(),
        "licence_expired"
    );

    // Each rule-breaking refusal left an attempt against the slaughterhouse that tried, naming the
    // certificate.
    for rule in [
        "certificate_expired",
        "species_mismatch",
        "destination_mismatch",
        "certificate_used_up",
        "ear_tag_already_slaughtered",
        "ear_tag_not_on_certificate",
        "slaughterhouse_suspended",
        "species_not_licensed",
        "slaughterhouse_revoked",
        "licence_expired",
    ] {
        let found = attempts(&app, rule).await;
        assert_eq!(found.len(), 1, "{rule}: {found:?}");
        assert!(found[0]["subject_org_id"].is_string());
        assert_eq!(
            found[0]["records"][0]["entity"], "animal_certificate",
            "{rule}"
        );
    }
    let dest = attempts(&app, "destination_mismatch").await;
    assert_eq!(
        dest[0]["subject_org_id"],
        c.house.as_str(),
        "recorded against the one who tried"
    );
    // Nothing of a refused intake was kept.
    let audit = app.get("/api/v1/audit/verify", Some(&sr)).await;
    assert_eq!(audit.body["ok"], true, "{audit:?}");
}

#[actix_web::test]
async fn intake_before_designation_is_refused() {
    let mut app = TestApp::with_cast(&["sr.city", "vet.chen", "inspector.city"]).await;
    let sr = app.token("sr.city");
    let house = app
        .post(
            "/api/v1/slaughterhouses",
            Some(&sr),
            json!({"name": "新厂", "district": "huadu", "address": "花都", "uscc": niuyang::demo::demo_uscc("440114", "9Q00001"),
                   "designation_no": "新-1", "species": "both", "licence_no": "L", "licence_valid_from": "2020-01-01",
                   "licence_valid_until": "2099-12-31", "designated_on": "2099-01-01"}),
        )
        .await;
    let house_id = house.body["id"].as_str().expect("id").to_string();
    let staff = app.make_user("sh.new", niuyang::policy::Role::Slaughterhouse, &house_id);
    let n = Chain {
        app: &app,
        sh: staff.token.clone(),
        vet: app.token("vet.chen"),
        house: house_id,
    };
    let nt = tags('2', 210, 1);
    assert_eq!(
        n.certificate("NEW-1", "animal_b", "cattle", 1, &nt, 0)
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        n.intake("NEW-1", "cattle", 1, 0, &nt).await.code(),
        "slaughterhouse_not_designated"
    );
    assert_eq!(
        attempts(&app, "slaughterhouse_not_designated").await.len(),
        1
    );
}

#[actix_web::test]
async fn certificates_and_intakes_refuse_bad_input() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let t = tags('2', 300, 2);
    assert_eq!(
        c.certificate("DUP-1", "animal_b", "cattle", 2, &t, 0)
            .await
            .status,
        StatusCode::CREATED
    );
    let dup = c
        .certificate("DUP-1", "animal_b", "cattle", 2, &[], 0)
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.code(), "certificate_number_taken");
    let sheep_tag_on_cattle = vec!["344180300000001".to_string()];
    assert_eq!(
        c.certificate("X-1", "animal_b", "cattle", 1, &sheep_tag_on_cattle, 0)
            .await
            .code(),
        "ear_tag_species_mismatch"
    );
    let short = vec!["24418030000001".to_string()];
    assert_eq!(
        c.certificate("X-2", "animal_b", "cattle", 1, &short, 0)
            .await
            .code(),
        "invalid_ear_tag"
    );
    assert_eq!(
        c.certificate("X-3", "animal_b", "cattle", 1, &tags('2', 310, 2), 0)
            .await
            .code(),
        "too_many_ear_tags"
    );
    assert_eq!(
        c.certificate("X-4", "animal_b", "cattle", 0, &[], 0)
            .await
            .code(),
        "invalid_head_count"
    );
    assert_eq!(
        c.intake("NOPE", "cattle", 1, 0, &[]).await.code(),
        "unknown_certificate"
    );
    assert_eq!(
        c.intake("DUP-1", "cattle", 0, 0, &[]).await.code(),
        "invalid_head_count"
    );
    assert_eq!(
        c.intake("DUP-1", "cattle", 1, 0, &t).await.code(),
        "too_many_ear_tags"
    );
}

#[actix_web::test]
async fn batches_draw_only_what_arrived_alive_once_and_halal_needs_a_certification() {
    let app = TestApp::with_cast(&[
        "sh.suibei",
        "sh.yunan",
        "vet.chen",
        "sr.city",
        "inspector.city",
    ])
    .await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let t = tags('2', 400, 3);
    c.certificate("B-1", "animal_b", "cattle", 4, &t, 0).await;
    let i = c.intake("B-1", "cattle", 3, 1, &t).await;
    let intake = i.body["id"].as_str().expect("id").to_string();

    let unchecked = c.batch("U-1", "cattle", false, &[(&intake, 1)]).await;
    assert_eq!(unchecked.code(), "intake_not_checked", "{unchecked:?}");
    c.check(&intake).await;
    let too_many = c.batch("U-2", "cattle", false, &[(&intake, 4)]).await;
    assert_eq!(
        too_many.code(),
        "heads_exceed_intake",
        "dead heads are not slaughtered: {too_many:?}"
    );
    assert_eq!(
        c.batch("U-3", "cattle", false, &[(&intake, 2)])
            .await
            .status,
        StatusCode::CREATED
    );
    let same_head = c.batch("U-4", "cattle", false, &[(&intake, 2)]).await;
    assert_eq!(same_head.code(), "heads_exceed_intake");
    assert_eq!(
        c.batch("U-5", "cattle", false, &[(&intake, 1)])
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        c.batch("U-5", "cattle", false, &[(&intake, 1)])
            .await
            .code(),
        "batch_no_taken"
    );

    // 穗北 has no halal certification.
    let h = tags('2', 420, 1);
    c.certificate("H-1", "animal_b", "cattle", 1, &h, 0).await;
    let hi = c.intake("H-1", "cattle", 1, 0, &h).await;
    let hid = hi.body["id"].as_str().expect("id").to_string();
    c.check(&hid).await;
    assert_eq!(
        c.batch("H-1", "cattle", true, &[(&hid, 1)]).await.code(),
        "halal_not_certified"
    );
    // 禺南's certification lapses: refused there too, though it was certified before.
    let y = Chain::at(&app, YUNAN, "sh.yunan");
    let yt = tags('3', 430, 2);
    y.certificate("YH-1", "animal_b", "sheep", 2, &yt, 0).await;
    let yi = y.intake("YH-1", "sheep", 2, 0, &yt).await;
    let yid = yi.body["id"].as_str().expect("id").to_string();
    y.check(&yid).await;
    assert_eq!(
        y.batch("YH-A", "sheep", true, &[(&yid, 1)]).await.status,
        StatusCode::CREATED
    );
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(2))
        .date_naive()
        .to_string();
    app.patch(
        &format!("/api/v1/slaughterhouses/{}", y.house),
        Some(&app.token("sr.city")),
        json!({"halal": {"number": "粤清真认字 2025-0116", "expires_on": yesterday}}),
    )
    .await;
    assert_eq!(
        y.batch("YH-B", "sheep", true, &[(&yid, 1)]).await.code(),
        "halal_not_certified"
    );
    assert_eq!(
        y.batch("YH-C", "sheep", false, &[(&yid, 1)]).await.status,
        StatusCode::CREATED
    );

    for rule in [
        "intake_not_checked",
        "heads_exceed_intake",
        "halal_not_certified",
    ] {
        let found = attempts(&app, rule).await;
        assert!(!found.is_empty(), "{rule}");
        assert_eq!(found[0]["records"][0]["entity"], "intake");
    }
    assert_eq!(attempts(&app, "heads_exceed_intake").await.len(), 2);
    assert_eq!(attempts(&app, "halal_not_certified").await.len(), 2);
}

#[actix_web::test]
async fn quarantine_certificates_and_lots_follow_the_order_of_the_rule() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let t = tags('2', 600, 4);
    c.certificate("Q-1", "animal_b", "cattle", 4, &t, 0).await;
    let i = c.intake("Q-1", "cattle", 4, 0, &t).await;
    let intake = i.body["id"].as_str().expect("id").to_string();
    c.check(&intake).await;
    let b = c.batch("Q-B", "cattle", false, &[(&intake, 4)]).await;
    let batch = b.body["id"].as_str().expect("id").to_string();

    // Lots need a product certificate and a passing inspection.
    assert_eq!(
        c.lots(&batch, &[1000]).await.code(),
        "no_product_certificate"
    );
    assert_eq!(
        c.inspect(&batch, "JY-Q0", 1000, true).await.code(),
        "quarantine_not_recorded"
    );
    assert_eq!(
        c.quarantine(&batch, 3, 0, "PB-Q").await.code(),
        "quarantine_heads_mismatch"
    );
    let no_cert = app
        .post(
            &format!("/api/v1/batches/{batch}/quarantine"),
            Some(&c.vet),
            json!({"heads_passed": 4, "heads_failed": 0}),
        )
        .await;
    assert_eq!(no_cert.code(), "product_certificate_required");
    assert_eq!(
        c.quarantine(&batch, 4, 0, "PB-Q").await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        c.quarantine(&batch, 4, 0, "PB-Q2").await.code(),
        "quarantine_recorded"
    );
    assert_eq!(
        c.lots(&batch, &[1000]).await.code(),
        "no_passing_inspection"
    );
    assert_eq!(
        c.inspect(&batch, "JY-Q1", 900_000, false).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        c.lots(&batch, &[1000]).await.code(),
        "no_passing_inspection",
        "a failed inspection is no pass"
    );
    assert_eq!(
        c.inspect(&batch, "JY-Q1", 900_000, true).await.code(),
        "certificate_number_taken"
    );
    assert_eq!(
        c.inspect(&batch, "JY-Q2", 1_000_000, true).await.status,
        StatusCode::CREATED
    );

    // Lots may not weigh more than was inspected, all together.
    assert_eq!(
        c.lots(&batch, &[600_000, 400_001]).await.code(),
        "lots_exceed_inspected_weight"
    );
    let made = c.lots(&batch, &[600_000, 300_000]).await;
    assert_eq!(made.status, StatusCode::CREATED, "{made:?}");
    assert_eq!(
        c.lots(&batch, &[100_001]).await.code(),
        "lots_exceed_inspected_weight"
    );
    let bad_gtin = app
        .post(
            &format!("/api/v1/batches/{batch}/lots"),
            Some(&c.sh),
            json!({"lots": [{"product_kind": "cuts", "product_name": "牛腩", "weight_g": 10, "storage": "frozen",
                              "gtin": "6901234567893"}]}),
        )
        .await;
    assert_eq!(bad_gtin.code(), "invalid_gtin");
    let with_gtin = app
        .post(
            &format!("/api/v1/batches/{batch}/lots"),
            Some(&c.sh),
            json!({"lots": [{"product_kind": "offal", "product_name": "牛杂", "weight_g": 10, "storage": "frozen",
                              "gtin": "06901234567892"}]}),
        )
        .await;
    assert_eq!(with_gtin.status, StatusCode::CREATED);
    assert_eq!(with_gtin.body[0]["gtin"], "06901234567892");
}

#[actix_web::test]
async fn a_corrected_weight_is_what_every_read_returns_and_what_the_checks_use() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let batch = c.ready_batch(700, 2, 1_000_000).await;
    let made = c.lots(&batch, &[500_000, 400_000]).await;
    let lot = made.body[1]["id"].as_str().expect("id").to_string();

    let fix = app
        .post(
            &format!("/api/v1/lots/{lot}/corrections"),
            Some(&c.sh),
            json!({"weight_g": 480_000, "reason": "复秤"}),
        )
        .await;
    assert_eq!(fix.status, StatusCode::CREATED, "{fix:?}");
    let read = app.get(&format!("/api/v1/lots/{lot}"), Some(&c.sh)).await;
    assert_eq!(read.body["weight_g"], 480_000);
    assert_eq!(read.body["original_weight_g"], 400_000);
    assert_eq!(read.body["corrections"].as_array().map(Vec::len), Some(1));
    let in_batch = app
        .get(&format!("/api/v1/batches/{batch}"), Some(&c.sh))
        .await;
    let listed = in_batch.body["lots"]
        .as_array()
        .expect("lots")
        .iter()
        .find(|l| l["id"] == lot.as_str())
        .expect("lot")
        .clone();
    assert_eq!(listed["weight_g"], 480_000);
    // The checks follow the corrected weight: 500,000 + 480,000 leaves 20,000 g.
    assert_eq!(
        c.lots(&batch, &[20_001]).await.code(),
        "lots_exceed_inspected_weight"
    );
    assert_eq!(c.lots(&batch, &[20_000]).await.status, StatusCode::CREATED);
    let too_much = app
        .post(
            &format!("/api/v1/lots/{lot}/corrections"),
            Some(&c.sh),
            json!({"weight_g": 480_001, "reason": "再复秤"}),
        )
        .await;
    assert_eq!(too_much.code(), "lots_exceed_inspected_weight");
    // Evidence has no routes to edit or delete it.
    let api = app.get("/api/openapi.json", None).await;
    for (path, item) in api.body["paths"].as_object().expect("paths") {
        let evidence = [
            "/animal-certificates",
            "/intakes",
            "/batches",
            "/lots",
            "/disposals",
            "/violations",
        ]
        .iter()
        .any(|p| path.starts_with(&format!("/api/v1{p}")));
        if evidence {
            for m in ["put", "patch", "delete"] {
                assert!(item.get(m).is_none(), "{m} {path}");
            }
        }
    }
}

#[actix_web::test]
async fn a_lot_disposed_of_at_the_slaughterhouse_is_closed() {
    let app = TestApp::with_cast(&["sh.suibei", "vet.chen", "vet.li"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let batch = c.ready_batch(800, 2, 1_000_000).await;
    let made = c.lots(&batch, &[300_000, 300_000]).await;
    let lot = made.body[0]["id"].as_str().expect("id").to_string();
    let vet = app.account("vet.chen").user_id.clone();
    let vet_li = app.account("vet.li").user_id.clone();
    let dispose = |supervisor: String, slip: Option<&str>| {
        json!({"target": "lot", "lot_id": lot, "reason": "inspection_fail", "method": "incineration",
               "weight_g": 300_000, "heads": 0, "handler": "厂内焚烧炉", "supervising_vet_id": supervisor,
               "outsourced": slip.is_some() || supervisor.is_empty(), "handover_slip": slip})
    };
    let not_stationed = app
        .post("/api/v1/disposals", Some(&c.sh), dispose(vet_li, None))
        .await;
    assert_eq!(
        not_stationed.code(),
        "supervisor_not_assigned_vet",
        "{not_stationed:?}"
    );
    let mut no_slip = dispose(vet.clone(), None);
    no_slip["outsourced"] = json!(true);
    assert_eq!(
        app.post("/api/v1/disposals", Some(&c.sh), no_slip)
            .await
            .code(),
        "handover_slip_required"
    );
    let mut heavy = dispose(vet.clone(), None);
    heavy["weight_g"] = json!(300_001);
    assert_eq!(
        app.post("/api/v1/disposals", Some(&c.sh), heavy)
            .await
            .code(),
        "disposal_exceeds_lot"
    );
    let ok = app
        .post("/api/v1/disposals", Some(&c.sh), dispose(vet.clone(), None))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{ok:?}");

    let read = app.get(&format!("/api/v1/lots/{lot}"), Some(&c.sh)).await;
    assert_eq!(read.body["status"], "disposed");
    let again = app
        .post("/api/v1/disposals", Some(&c.sh), dispose(vet, None))
        .await;
    assert_eq!(again.code(), "lot_closed");
    let fix = app
        .post(
            &format!("/api/v1/lots/{lot}/corrections"),
            Some(&c.sh),
            json!({"weight_g": 1, "reason": "x"}),
        )
        .await;
    assert_eq!(fix.status, StatusCode::CONFLICT);
    assert_eq!(fix.code(), "lot_closed");
    let sheet = app
        .get(&format!("/api/v1/batches/{batch}/labels"), Some(&c.sh))
        .await;
    let code = read.body["trace_code_display"].as_str().expect("code");
    assert!(
        !sheet.body.as_str().unwrap_or("").contains(code),
        "no label for a closed lot"
    );
    // Failed heads: no more than failed.
    let extra = app
        .post(
            "/api/v1/disposals",
            Some(&c.sh),
            json!({"target": "failed_heads", "batch_id": batch, "reason": "quarantine_fail", "method": "rendering",
                   "weight_g": 1, "heads": 1, "handler": "x", "supervising_vet_id": app.account("vet.chen").user_id}),
        )
        .await;
    assert_eq!(extra.code(), "disposal_exceeds_failed_heads");
}

#[actix_web::test]
async fn fees_over_the_cap_or_off_the_schedule_are_recorded_and_open_violations() {
    let app =
        TestApp::with_cast(&["sh.suibei", "sh.yunan", "vet.chen", "sr.city", "mr.city"]).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let batch = c.ready_batch(900, 2, 500_000).await;
    let fee = |item: &str, q: i64, amount: i64| json!({"item": item, "quantity": q, "amount_fen": amount});
    let path = format!("/api/v1/batches/{batch}/fees");
    let within = app
        .post(&path, Some(&c.sh), fee("牛屠宰费", 2, 24_000))
        .await;
    assert_eq!(within.body["charge"]["finding"], "within_cap");
    let over = app
        .post(&path, Some(&c.sh), fee("牛屠宰费", 2, 24_001))
        .await;
    assert_eq!(
        over.status,
        StatusCode::CREATED,
        "recorded as the fact it is"
    );
    assert_eq!(over.body["charge"]["finding"], "over_cap");
    let vid = over.body["violation_id"]
        .as_str()
        .expect("violation")
        .to_string();
    let unapproved = app.post(&path, Some(&c.sh), fee("加急费", 1, 1_000)).await;
    assert_eq!(unapproved.body["charge"]["finding"], "unapproved");
    assert!(unapproved.body["violation_id"].is_string());

    let sr = app.token("sr.city");
    let list = app
        .get("/api/v1/violations?rule=fee_over_cap", Some(&sr))
        .await;
    let v = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|v| v["id"] == vid.as_str())
        .expect("violation")
        .clone();
    assert_eq!(v["article"], "四");
    assert_eq!(v["source"], "detected");
    assert_eq!(v["subject_org_id"], c.house.as_str());
    let entities: Vec<&str> = v["records"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|r| r["entity"].as_str())
        .collect();
    assert_eq!(entities, ["fee_charge", "slaughter_batch"]);
    // The list by rule has the unapproved fee (and nothing else), and the batch lists every fee as charged.
    let unapproved_list = app
        .get("/api/v1/violations?rule=fee_unapproved", Some(&sr))
        .await;
    assert_eq!(
        unapproved_list.body["items"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        unapproved_list.body["items"][0]["id"],
        unapproved.body["violation_id"]
    );
    let view = app
        .get(&format!("/api/v1/batches/{batch}"), Some(&c.sh))
        .await;
    assert_eq!(view.body["fees"].as_array().map(Vec::len), Some(3));
    // Another slaughterhouse does not see this house's violations; the market regulator sees none.
    let other = app
        .get(
            "/api/v1/violations?rule=fee_over_cap",
            Some(&app.token("sh.yunan")),
        )
        .await;
    assert_eq!(other.body["items"].as_array().map(Vec::len), Some(0));
    let mr = app
        .get(
            "/api/v1/violations?rule=fee_over_cap",
            Some(&app.token("mr.city")),
        )
        .await;
    assert_eq!(mr.body["items"].as_array().map(Vec::len), Some(0));
}

struct Ctx {
    pub house: String,
    cert: String,
    cert_number: String,
    intake: String,
    batch: String,
    lot: String,
    lot_to_dispose: String,
    vet_user: String,
    n: std::sync::atomic::AtomicU32,
}

impl Ctx {
    fn next(&self) -> u32 {
        self.n.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }
}

#[actix_web::test]
async fn slaughter_chain_role_matrix() {
    let app = TestApp::with_cast(MATRIX_CAST).await;
    let c = Chain::at(&app, SUIBEI, "sh.suibei");
    let t = tags('2', 1000, 50);
    let cert = c.certificate("M-1", "animal_b", "cattle", 50, &t, 0).await;
    let i = c.intake("M-1", "cattle", 10, 0, &t[..10]).await;
    let intake = i.body["id"].as_str().expect("id").to_string();
    c.check(&intake).await;
    let batch = c.ready_batch(2000, 2, 1_000_000).await;
    let lots = c.lots(&batch, &[100_000, 100_000]).await;
    let ctx = Ctx {
        house: c.house.clone(),
        cert: cert.body["id"].as_str().expect("id").to_string(),
        cert_number: "M-1".into(),
        intake,
        batch,
        lot: lots.body[0]["id"].as_str().expect("id").to_string(),
        lot_to_dispose: lots.body[1]["id"].as_str().expect("id").to_string(),
        vet_user: app.account("vet.chen").user_id.clone(),
        n: Default::default(),
    };
    const READ: &str =
        "sh=200 shy=404 vet=200 vetli=404 sr=200 srb=200 insp=200 insph=404 mr=403 vendor=403 admin=403 hotline=403 anon=401";
    // A lot is also readable by a buyer that has held it: another buyer gets 404.
    const READ_LOT: &str =
        "sh=200 shy=404 vet=200 vetli=404 sr=200 srb=200 insp=200 insph=404 mr=403 vendor=404 admin=403 hotline=403 anon=401";
    let rows: Vec<(&str, BuildOf<Ctx>, &str)> = vec![
        ("read certificate", row(|c: &Ctx, _| get(format!("/api/v1/animal-certificates/{}", c.cert))), READ),
        ("read intake", row(|c: &Ctx, _| get(format!("/api/v1/intakes/{}", c.intake))), READ),
        ("read batch", row(|c: &Ctx, _| get(format!("/api/v1/batches/{}", c.batch))), READ),
        ("read lot", row(|c: &Ctx, _| get(format!("/api/v1/lots/{}", c.lot))), READ_LOT),
        ("lot QR png", row(|c: &Ctx, _| get(format!("/api/v1/lots/{}/qr.png", c.lot))), READ_LOT),
        ("lot QR svg", row(|c: &Ctx, _| get(format!("/api/v1/lots/{}/qr.svg", c.lot))), READ_LOT),
        ("label sheet", row(|c: &Ctx, _| get(format!("/api/v1/batches/{}/labels", c.batch))), READ),
        (
            "list certificates",
            row(|_: &Ctx, _| get("/api/v1/animal-certificates".into())),
            "sh=200 shy=200 vet=200 vetli=200 sr=200 insp=200 mr=403 vendor=403 admin=403 anon=401",
        ),
        (
            "list intakes",
            row(|_: &Ctx, _| get("/api/v1/intakes".into())),
            "sh=200 shy=200 vet=200 sr=200 insp=200 mr=403 vendor=403 anon=401",
        ),
        (
            "list batches",
            row(|_: &Ctx, _| get("/api/v1/batches".into())),
            "sh=200 shy=200 vet=200 sr=200 insp=200 mr=403 vendor=403 anon=401",
        ),
        (
            "list violations",
            row(|_: &Ctx, _| get("/api/v1/violations".into())),
            "sh=200 shy=200 vendor=200 sr=200 srb=200 mr=200 insp=200 vet=403 admin=403 hotline=403 anon=401",
        ),
        (
            "record certificate",
            row(|c: &Ctx, _| {
                post(
                    "/api/v1/animal-certificates".into(),
                    json!({"number": format!("MC-{}", c.next()), "cert_type": "animal_b", "species": "cattle",
                           "head_count": 1, "owner_name": "某", "origin_place": "清远", "destination_id": c.house,
                           "carrier": "某", "vehicle_plate": "粤A", "issued_at": hours_ago(0)}),
                )
            }),
            "sh=201 shy=404 vet=201 vetli=404 sr=403 insp=403 mr=403 vendor=403 admin=403 hotline=403 anon=401",
        ),
        (
            "record intake on this house's certificate",
            row(|c: &Ctx, _| {
                post(
                    "/api/v1/intakes".into(),
                    json!({"certificate_number": c.cert_number, "species": "cattle", "heads_alive": 1,
                           "vehicle_plate": "粤A"}),
                )
            }),
            "sh=201 shy=422 vet=403 vetli=403 sr=403 insp=403 mr=403 vendor=403 admin=403 anon=401",
        ),
        (
            "check intake",
            row(|c: &Ctx, _| post(format!("/api/v1/intakes/{}/checks", c.intake), json!({"accepted": true}))),
            "vet=409 vetli=404 sh=403 shy=403 sr=403 insp=403 vendor=403 anon=401",
        ),
        (
            "record batch",
            row(|c: &Ctx, _| {
                post(
                    "/api/v1/batches".into(),
                    json!({"batch_no": format!("MB-{}", c.next()), "species": "cattle",
                           "draws": [{"intake_id": c.intake, "heads": 1}]}),
                )
            }),
            "sh=201 shy=404 vet=403 vetli=403 sr=403 insp=403 vendor=403 admin=403 anon=401",
        ),
        (
            "record quarantine",
            row(|c: &Ctx, _| {
                post(format!("/api/v1/batches/{}/quarantine", c.batch), json!({"heads_passed": 2, "heads_failed": 0,
                    "product_certificate": {"number": "X", "cert_type": "product_b", "product": "x", "quantity": 1, "unit": "kg"}}))
            }),
            "vet=409 vetli=404 sh=403 shy=403 sr=403 insp=403 vendor=403 anon=401",
        ),
        (
            "record inspection",
            row(|c: &Ctx, _| {
                post(
                    format!("/api/v1/batches/{}/inspection-certificates", c.batch),
                    json!({"number": format!("MJ-{}", c.next()), "weight_g": 1, "inspector": "某", "passed": false}),
                )
            }),
            "sh=201 shy=404 vet=403 vetli=403 sr=403 insp=403 vendor=403 anon=401",
        ),
        (
            "make lots",
            row(|c: &Ctx, _| {
                post(
                    format!("/api/v1/batches/{}/lots", c.batch),
                    json!({"lots": [{"product_kind": "cuts", "product_name": "牛腱", "weight_g": 1000, "storage": "chilled"}]}),
                )
            }),
            "sh=201 shy=404 vet=403 vetli=403 sr=403 insp=403 vendor=403 admin=403 anon=401",
        ),
        (
            "correct a lot",
            row(|c: &Ctx, _| post(format!("/api/v1/lots/{}/corrections", c.lot), json!({"weight_g": 99_000, "reason": "复秤"}))),
            "sh=201 shy=404 vet=403 vetli=403 sr=403 insp=403 vendor=403 anon=401",
        ),
        (
            "charge a fee",
            row(|c: &Ctx, _| post(format!("/api/v1/batches/{}/fees", c.batch), json!({"item": "检验检测费", "quantity": 1, "amount_fen": 100}))),
            "sh=201 shy=404 vet=403 vetli=403 sr=403 insp=403 vendor=403 anon=401",
        ),
        (
            "dispose of a lot",
            row(|c: &Ctx, _| {
                post(
                    "/api/v1/disposals".into(),
                    json!({"target": "lot", "lot_id": c.lot_to_dispose, "reason": "spoilage", "method": "incineration",
                           "weight_g": 1000, "handler": "某", "supervising_vet_id": c.vet_user}),
                )
            }),
            "shy=404 vet=403 vetli=403 sr=403 insp=403 vendor=403 anon=401 sh=201",
        ),
    ];
    let (failures, checked) = run_matrix(&app, &ctx, &rows).await;
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 150);
    let _ = Method::GET;
}

#[actix_web::test]
async fn demo_has_a_day_of_slaughter() {
    let app = TestApp::with_demo();
    let sr = app.token("sr.city");
    let batches = app.get("/api/v1/batches", Some(&sr)).await;
    assert_eq!(batches.body["total"], 2);
    let suibei = batches.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|b| b["species"] == "cattle")
        .expect("cattle batch")
        .clone();
    let view = app
        .get(
            &format!("/api/v1/batches/{}", suibei["id"].as_str().expect("id")),
            Some(&sr),
        )
        .await;
    assert_eq!(view.body["quarantine"]["heads_failed"], 1);
    assert_eq!(view.body["failed_heads_all_disposed"], true);
    assert_eq!(view.body["disposals"][0]["method"], "rendering");
    assert_eq!(view.body["lots"].as_array().map(Vec::len), Some(6));
    let fees = app
        .get("/api/v1/violations?rule=fee_unapproved", Some(&sr))
        .await;
    assert_eq!(fees.body["items"].as_array().map(Vec::len), Some(1));
}
