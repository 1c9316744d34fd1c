//! The role × endpoint matrix: every endpoint of the foundation, called by every role (city- and
//! district-level where it matters) and anonymously, on its own organisation's records and another's, with
//! the status each must get. Scoped users never reach another organisation's records, whatever ids they send.

use std::sync::atomic::{AtomicU32, Ordering};

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::build::*;
use crate::common::*;

/// Short names of the callers in the expectation strings.
pub const CALLERS: &[(&str, &str)] = &[
    ("shy", "sh.yunan"),
    ("vetli", "vet.li"),
    ("admin", "demo.admin"),
    ("sr", "sr.city"),
    ("srb", "sr.baiyun"),
    ("mr", "mr.city"),
    ("vet", "vet.chen"),
    ("sh", "sh.suibei"),
    ("vendor", "vendor.crv"),
    ("insp", "inspector.city"),
    ("insph", "inspector.haizhu"),
    ("hotline", "hotline.01"),
];

struct Ctx {
    /// 穗北 (Baiyun): the `sh` caller's own house; the vet is assigned to it.
    own_house: String,
    /// 良口 (Conghua): nobody's own, the vet is not assigned to it.
    other_house: String,
    /// The `vendor` caller's shop (Tianhe).
    shop: String,
    /// A user the admin may disable and reset.
    throwaway_user: String,
    vet_user: String,
    /// An assignment of vet.li to 良口, for the admin to end.
    assignment: String,
    /// A fee item of 穗北, for the regulators to end.
    fee_item: String,
    n: AtomicU32,
}

impl Ctx {
    fn next(&self) -> u32 {
        self.n.fetch_add(1, Ordering::SeqCst) + 100
    }
}

/// How to build one row's request, given the context and the caller.
pub type BuildOf<C> = Box<dyn Fn(&C, Option<&Account>) -> (Method, String, Option<Value>)>;
type Build = BuildOf<Ctx>;

/// A row's request builder.
pub fn row<C>(
    f: impl Fn(&C, Option<&Account>) -> (Method, String, Option<Value>) + 'static,
) -> BuildOf<C> {
    Box::new(f)
}

/// A row's request builder for this file's context.
fn r(f: impl Fn(&Ctx, Option<&Account>) -> (Method, String, Option<Value>) + 'static) -> Build {
    Box::new(f)
}

/// A GET.
pub fn get(path: String) -> (Method, String, Option<Value>) {
    (Method::GET, path, None)
}

/// A POST with a JSON body.
pub fn post(path: String, body: Value) -> (Method, String, Option<Value>) {
    (Method::POST, path, Some(body))
}

/// Run every row for every caller named in its expectations; returns the failures and how many ran.
pub async fn run_matrix<C>(
    app: &TestApp,
    ctx: &C,
    rows: &[(&str, BuildOf<C>, &str)],
) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, build, expect) in rows {
        for (who, status) in parse(expect) {
            let account = CALLERS
                .iter()
                .find(|(short, _)| *short == who)
                .map(|(_, username)| app.account(username).clone());
            if who != "anon" && account.is_none() {
                panic!("unknown caller {who}");
            }
            let (method, path, body) = build(ctx, account.as_ref());
            let mut req = TestRequest::default().method(method).uri(&path);
            if let Some(a) = &account {
                req = req.insert_header(("authorization", format!("Bearer {}", a.token)));
            }
            if let Some(b) = body {
                req = req.set_json(b);
            }
            let r = app.send(req).await;
            checked += 1;
            if r.status != StatusCode::from_u16(status).expect("status") {
                failures.push(format!("{name} as {who}: expected {status}, got {r:?}"));
            }
        }
    }
    (failures, checked)
}

fn parse(expect: &str) -> Vec<(String, u16)> {
    expect
        .split_whitespace()
        .map(|pair| {
            let (who, status) = pair.split_once('=').expect("who=status");
            (who.to_string(), status.parse().expect("status"))
        })
        .collect()
}

#[actix_web::test]
async fn role_by_endpoint_matrix() {
    let app = TestApp::with_cast(&[MATRIX_CAST, &[LIANGKOU]].concat()).await;
    let admin = app.token("demo.admin");
    let shop = app.account("vendor.crv").org_id.clone();
    let throwaway = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "throwaway", "role": "vendor", "org_id": shop}),
        )
        .await;
    let vet_li = app.account("vet.li").user_id.clone();
    let other_house = app.org_id("广州市从化良口牛羊定点屠宰场");
    let assignment = app
        .post(
            &format!("/api/v1/users/{vet_li}/vet-assignments"),
            Some(&admin),
            json!({"slaughterhouse_id": other_house}),
        )
        .await;
    let own_house = app.org_id("广州市穗北牛羊定点屠宰场");
    let fee_item = app
        .post(
            &format!("/api/v1/slaughterhouses/{own_house}/fee-items"),
            Some(&app.token("sr.city")),
            json!({"item": "矩阵终止项", "unit": "per_head", "cap_fen": 100, "effective_from": "2026-01-01"}),
        )
        .await;
    let ctx = Ctx {
        own_house: app.org_id("广州市穗北牛羊定点屠宰场"),
        other_house: app.org_id("广州市从化良口牛羊定点屠宰场"),
        shop,
        throwaway_user: throwaway.body["user"]["id"]
            .as_str()
            .expect("id")
            .to_string(),
        vet_user: app.account("vet.chen").user_id.clone(),
        assignment: assignment.body["id"]
            .as_str()
            .expect("assignment")
            .to_string(),
        fee_item: fee_item.body["id"].as_str().expect("fee item").to_string(),
        n: AtomicU32::new(0),
    };

    let rows: Vec<(&str, Build, &str)> = vec![
        (
            "read own house",
            r(|c, _| get(format!("/api/v1/slaughterhouses/{}", c.own_house))),
            "admin=403 sr=200 srb=200 mr=403 vet=200 sh=200 vendor=403 insp=200 insph=404 hotline=403 anon=401",
        ),
        (
            "read other house",
            r(|c, _| get(format!("/api/v1/slaughterhouses/{}", c.other_house))),
            "admin=403 sr=200 srb=404 mr=403 vet=404 sh=404 vendor=403 insp=200 insph=404 hotline=403 anon=401",
        ),
        (
            "list houses",
            r(|_, _| get("/api/v1/slaughterhouses".into())),
            "admin=403 sr=200 srb=200 mr=403 vet=200 sh=200 vendor=403 insp=200 insph=200 hotline=403 anon=401",
        ),
        (
            "standing of own house",
            r(|c, _| get(format!("/api/v1/slaughterhouses/{}/standing", c.own_house))),
            "admin=403 sr=200 srb=200 mr=403 vet=200 sh=200 vendor=403 insp=200 insph=404 hotline=403 anon=401",
        ),
        (
            "status history of other house",
            r(|c, _| get(format!("/api/v1/slaughterhouses/{}/status-changes", c.other_house))),
            "admin=403 sr=200 srb=404 mr=403 vet=404 sh=404 vendor=403 insp=200 insph=404 hotline=403 anon=401",
        ),
        (
            "agreements of other house",
            r(|c, _| get(format!("/api/v1/slaughterhouses/{}/agreements", c.other_house))),
            "admin=403 sr=200 srb=404 mr=403 vet=404 sh=404 vendor=403 insp=200 insph=404 hotline=403 anon=401",
        ),
        (
            "fee schedule of own house",
            r(|c, _| get(format!("/api/v1/slaughterhouses/{}/fee-items", c.own_house))),
            "admin=403 sr=200 srb=200 mr=403 vet=200 sh=200 vendor=403 insp=200 insph=404 hotline=403 anon=401",
        ),
        (
            "fee schedule of other house",
            r(|c, _| get(format!("/api/v1/slaughterhouses/{}/fee-items", c.other_house))),
            "admin=403 sr=200 srb=404 mr=403 vet=404 sh=404 vendor=403 insp=200 insph=404 hotline=403 anon=401",
        ),
        (
            "designate",
            r(|c, _| post("/api/v1/slaughterhouses".into(), designation("矩阵测试厂", "baiyun", c.next()))),
            "admin=403 sr=201 srb=201 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "amend own house",
            r(|c, _| {
                (
                    Method::PATCH,
                    format!("/api/v1/slaughterhouses/{}", c.own_house),
                    Some(json!({"address": "广州市白云区太和镇穗北路 90 号"})),
                )
            }),
            "admin=403 sr=200 srb=200 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "agreement for own house",
            r(|c, _| {
                post(
                    format!("/api/v1/slaughterhouses/{}/agreements", c.own_house),
                    json!({"number": format!("M-{}", c.next()), "signed_on": "2026-01-01", "expires_on": "2026-12-31"}),
                )
            }),
            "admin=403 sr=201 srb=201 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "fee item for own house",
            r(|c, _| {
                post(
                    format!("/api/v1/slaughterhouses/{}/fee-items", c.own_house),
                    json!({"item": format!("项目{}", c.next()), "unit": "per_batch", "cap_fen": 100, "effective_from": "2026-01-01"}),
                )
            }),
            "admin=403 sr=201 srb=201 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "status change of other house",
            r(|c, _| {
                post(
                    format!("/api/v1/slaughterhouses/{}/status-changes", c.other_house),
                    json!({"action": "revoke", "reason": "矩阵测试"}),
                )
            }),
            "admin=403 srb=404 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401 sr=201",
        ),
        (
            "credit file of own house",
            r(|c, _| get(format!("/api/v1/organisations/{}/credit-events", c.own_house))),
            "admin=403 sr=200 srb=200 mr=404 vet=403 sh=200 vendor=404 insp=200 insph=404 hotline=403 anon=401",
        ),
        (
            "credit file of a shop",
            r(|c, _| get(format!("/api/v1/organisations/{}/credit-events", c.shop))),
            "admin=403 sr=404 srb=404 mr=200 vet=403 sh=404 vendor=200 insp=200 insph=404 hotline=403 anon=401",
        ),
        (
            "credit event for own house",
            r(|c, _| {
                post(
                    format!("/api/v1/organisations/{}/credit-events", c.own_house),
                    json!({"kind": "note", "summary": "矩阵测试"}),
                )
            }),
            "admin=403 sr=201 srb=201 mr=404 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "credit event for a shop",
            r(|c, _| {
                post(
                    format!("/api/v1/organisations/{}/credit-events", c.shop),
                    json!({"kind": "note", "summary": "矩阵测试"}),
                )
            }),
            "admin=403 sr=404 srb=404 mr=201 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "list organisations",
            r(|_, _| get("/api/v1/organisations".into())),
            "admin=200 sr=403 srb=403 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "read own organisation",
            r(|_, a| get(format!("/api/v1/organisations/{}", a.map(|a| a.org_id.as_str()).unwrap_or("x")))),
            "admin=200 sr=200 srb=200 mr=200 vet=200 sh=200 vendor=200 insp=200 insph=200 hotline=200 anon=401",
        ),
        (
            "read another organisation",
            r(|c, _| get(format!("/api/v1/organisations/{}", c.other_house))),
            "admin=200 sr=404 srb=404 mr=404 vet=404 sh=404 vendor=404 insp=404 insph=404 hotline=404 anon=401",
        ),
        (
            "create organisation",
            r(|c, _| post("/api/v1/organisations".into(), json!({"kind": "buyer", "name": format!("店{}", c.next()), "district": "tianhe"}))),
            "admin=201 sr=403 srb=403 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "list users",
            r(|_, _| get("/api/v1/users".into())),
            "admin=200 sr=403 srb=403 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "create user",
            r(|c, _| post("/api/v1/users".into(), json!({"username": format!("m{}", c.next()), "role": "vendor", "org_id": c.shop}))),
            "admin=201 sr=403 srb=403 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "read own user",
            r(|_, a| get(format!("/api/v1/users/{}", a.map(|a| a.user_id.as_str()).unwrap_or("x")))),
            "admin=200 sr=200 srb=200 mr=200 vet=200 sh=200 vendor=200 insp=200 insph=200 hotline=200 anon=401",
        ),
        (
            "read another user",
            r(|c, _| get(format!("/api/v1/users/{}", c.throwaway_user))),
            "admin=200 sr=404 srb=404 mr=404 vet=404 sh=404 vendor=404 insp=404 insph=404 hotline=404 anon=401",
        ),
        (
            "vet assignments of a vet",
            r(|c, _| get(format!("/api/v1/users/{}/vet-assignments", c.vet_user))),
            "admin=200 sr=404 srb=404 mr=404 vet=200 sh=404 vendor=404 insp=404 insph=404 hotline=404 anon=401",
        ),
        (
            "assign a vet",
            r(|c, _| post(format!("/api/v1/users/{}/vet-assignments", c.vet_user), json!({"slaughterhouse_id": c.other_house}))),
            "sr=403 srb=403 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401 admin=201",
        ),
        (
            "reset a password",
            r(|c, _| post(format!("/api/v1/users/{}/password-reset", c.throwaway_user), json!({}))),
            "admin=200 sr=403 srb=403 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "disable a user",
            r(|c, _| post(format!("/api/v1/users/{}/disable", c.throwaway_user), json!({}))),
            "admin=200 sr=403 srb=403 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "enable a user",
            r(|c, _| post(format!("/api/v1/users/{}/enable", c.throwaway_user), json!({}))),
            "admin=200 sr=403 srb=403 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "end a vet assignment",
            r(|c, _| post(format!("/api/v1/vet-assignments/{}/end", c.assignment), json!({}))),
            "sr=403 srb=403 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401 admin=200",
        ),
        (
            "end a fee item of own house",
            r(|c, _| {
                post(
                    format!("/api/v1/slaughterhouses/{}/fee-items/{}/end", c.own_house, c.fee_item),
                    json!({"effective_until": "2026-12-31"}),
                )
            }),
            "admin=403 sr=200 srb=200 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "end a fee item through another house's path",
            r(|c, _| {
                post(
                    format!("/api/v1/slaughterhouses/{}/fee-items/{}/end", c.other_house, c.fee_item),
                    json!({"effective_until": "2026-12-31"}),
                )
            }),
            "admin=403 sr=404 srb=404 mr=403 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "agreements of own house",
            r(|c, _| get(format!("/api/v1/slaughterhouses/{}/agreements", c.own_house))),
            "admin=403 sr=200 srb=200 mr=403 vet=200 sh=200 vendor=403 insp=200 insph=404 hotline=403 anon=401",
        ),
        (
            "verify the audit trail",
            r(|_, _| get("/api/v1/audit/verify".into())),
            "admin=200 sr=200 srb=200 mr=200 vet=403 sh=403 vendor=403 insp=403 insph=403 hotline=403 anon=401",
        ),
        (
            "public registry",
            r(|_, _| get("/api/v1/public/slaughterhouses".into())),
            "admin=200 sr=200 srb=200 mr=200 vet=200 sh=200 vendor=200 insp=200 insph=200 hotline=200 anon=200",
        ),
        (
            "who am I",
            r(|_, _| get("/api/v1/me".into())),
            "admin=200 sr=200 srb=200 mr=200 vet=200 sh=200 vendor=200 insp=200 insph=200 hotline=200 anon=401",
        ),
        (
            "change password with a wrong current one",
            r(|_, _| post("/api/v1/auth/password".into(), json!({"current_password": "wrong-wrong-1", "new_password": "Another-one-77"}))),
            "admin=422 sr=422 srb=422 mr=422 vet=422 sh=422 vendor=422 insp=422 insph=422 hotline=422 anon=401",
        ),
    ];

    let (failures, checked) = run_matrix(&app, &ctx, &rows).await;
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 300);
}
