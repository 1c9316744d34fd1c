//! Trace (issue 6 point 5): a multi-hop chain with a split, traced backward from a child lot's code, a
//! ledger entry and a receipt, and forward from the certificate, an ear tag, the batch and a lot, with what
//! each holder still has; the SVG picture; who may trace where; refusals of bad starts.

use actix_web::http::StatusCode;
use serde_json::{json, Value};

use crate::build::*;
use crate::circulation::{buyer, confirm, ship};
use crate::common::*;
use crate::scope::{get, row, run_matrix, BuildOf};
use crate::slaughter::Chain;

/// Who the fixture needs.
const CAST: &[&str] = &[
    "sh.suibei",
    "vet.chen",
    "vendor.suifeng",
    "vendor.jiangnan12",
    "vendor.shiqiao8",
];

/// The chain: 穗北 (Baiyun) makes lots A (300 kg) and B (100 kg); ships both to the trader 穗丰 (Baiyun),
/// which records A only; the trader ships 120 kg of A to the Haizhu stall 江南12 and 80 kg to the Panyu
/// stall 市桥8; 江南12 records 120 kg, splits 50 + 30 kg into children C1 and C2, and sells 20 kg of C1 and
/// 10 kg of A on one receipt; 市桥8 records 50 of its 80 kg.
struct Fixture {
    batch: String,
    certificate: String,
    tags: Vec<String>,
    a: String,
    b: String,
    c1: String,
    c2: String,
    code_a: String,
    code_c1: String,
    house: String,
    trader: String,
    stall: String,
    panyu_stall: String,
    stall_entry: String,
    panyu_entry: String,
    receipt: String,
    receipt_no: String,
    shipments: Vec<String>,
}

fn id(r: &Resp) -> String {
    r.body["id"].as_str().expect("id").to_string()
}

async fn fixture(app: &TestApp) -> Fixture {
    let c = Chain::at(app, SUIBEI, "sh.suibei");
    let batch = c.ready_batch(7000, 2, 400_000).await;
    let made = c.lots(&batch, &[300_000, 100_000]).await;
    assert_eq!(made.status, StatusCode::CREATED, "{made:?}");
    let lot = |i: usize, k: &str| made.body[i][k].as_str().expect("lot").to_string();
    let (a, b, code_a) = (lot(0, "id"), lot(1, "id"), lot(0, "trace_code"));
    let certs = app.get("/api/v1/animal-certificates", Some(&c.sh)).await;
    let cert = certs.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|x| x["number"] == "CERT-7000")
        .expect("certificate")
        .clone();
    let tags: Vec<String> = cert["ear_tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| t.as_str().expect("tag").to_string())
        .collect();
    let (trader, trader_token) = buyer(app, "vendor.suifeng");
    let (stall, stall_token) = buyer(app, "vendor.jiangnan12");
    let (panyu_stall, panyu_token) = buyer(app, "vendor.shiqiao8");

    let mut shipments = Vec::new();
    for (voucher, lot_id, w) in [("JY-7000", &a, 300_000), ("JY-7001", &b, 100_000)] {
        let s = ship(app, &c.sh, &trader, voucher, &[(lot_id, w)]).await;
        assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
        shipments.push(id(&s));
    }
    let e = confirm(app, &trader_token, &code_a, 300_000, None).await;
    assert_eq!(e.status, StatusCode::CREATED, "{e:?}");
    for (to, voucher, w) in [(&stall, "SF-1", 120_000), (&panyu_stall, "SF-2", 80_000)] {
        let s = ship(app, &trader_token, to, voucher, &[(&a, w)]).await;
        assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
        shipments.push(id(&s));
    }
    let stall_entry = confirm(app, &stall_token, &code_a, 120_000, None).await;
    assert_eq!(stall_entry.status, StatusCode::CREATED, "{stall_entry:?}");
    let panyu_entry = confirm(app, &panyu_token, &code_a, 50_000, None).await;
    assert_eq!(panyu_entry.status, StatusCode::CREATED, "{panyu_entry:?}");
    let split = app
        .post(
            &format!("/api/v1/lots/{a}/splits"),
            Some(&stall_token),
            json!({"children": [{"weight_g": 50_000}, {"weight_g": 30_000, "product_name": "牛腩<精选>"}]}),
        )
        .await;
    assert_eq!(split.status, StatusCode::CREATED, "{split:?}");
    let c1 = split.body[0]["id"].as_str().expect("c1").to_string();
    let c2 = split.body[1]["id"].as_str().expect("c2").to_string();
    let code_c1 = split.body[0]["trace_code"]
        .as_str()
        .expect("code")
        .to_string();
    let receipt = app
        .post(
            "/api/v1/receipts",
            Some(&stall_token),
            json!({"lines": [{"lot_id": c1, "weight_g": 20_000, "price_fen": 2_000},
                             {"lot_id": a, "weight_g": 10_000, "price_fen": 1_000}]}),
        )
        .await;
    assert_eq!(receipt.status, StatusCode::CREATED, "{receipt:?}");
    Fixture {
        batch,
        certificate: cert["id"].as_str().expect("id").to_string(),
        tags,
        a,
        b,
        c1,
        c2,
        code_a,
        code_c1,
        house: c.house.clone(),
        trader,
        stall,
        panyu_stall,
        stall_entry: id(&stall_entry),
        panyu_entry: id(&panyu_entry),
        receipt: id(&receipt),
        receipt_no: receipt.body["number"].as_str().expect("no").to_string(),
        shipments,
    }
}

fn node<'a>(g: &'a Value, id: &str) -> Option<&'a Value> {
    g["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["id"] == id)
}

fn ids_of(g: &Value, kind: &str) -> Vec<String> {
    let mut v: Vec<String> = g["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["kind"] == kind)
        .map(|n| n["id"].as_str().expect("id").to_string())
        .collect();
    v.sort();
    v
}

fn has_edge(g: &Value, from: &str, to: &str, kind: &str) -> bool {
    g["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .any(|e| e["from"] == from && e["to"] == to && e["kind"] == kind)
}

fn prefixed(prefix: &str, ids: &[&String]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|i| format!("{prefix}:{i}")).collect();
    v.sort();
    v
}

/// What `org` still has of `lot`: (held by its records, shipped to it and not recorded).
fn holding(g: &Value, org: &str, lot: &str) -> Option<(i64, i64)> {
    let n = node(g, &format!("org:{org}"))?;
    n["attrs"]["holdings"]
        .as_array()?
        .iter()
        .find(|h| h["lot"] == format!("lot:{lot}"))
        .map(|h| {
            assert_eq!(
                h["still_has_g"].as_i64(),
                Some(h["held_g"].as_i64().unwrap() + h["unrecorded_g"].as_i64().unwrap())
            );
            (
                h["held_g"].as_i64().unwrap(),
                h["unrecorded_g"].as_i64().unwrap(),
            )
        })
}

async fn trace(app: &TestApp, token: &str, query: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/trace/{query}"), Some(token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {r:?}");
    r.body
}

fn assert_upstream(g: &Value, f: &Fixture) {
    assert!(node(g, &format!("batch:{}", f.batch)).is_some(), "batch");
    assert_eq!(ids_of(g, "intake").len(), 1);
    let cert = node(g, &format!("animal_certificate:{}", f.certificate)).expect("certificate");
    assert_eq!(cert["attrs"]["origin_place"], "广东省清远市清新区");
    assert_eq!(cert["attrs"]["owner_name"], "陈某某");
    assert!(cert["attrs"]["valid_until"].is_string());
    assert!(node(g, "origin:广东省清远市清新区").is_some());
    let tags: Vec<&String> = f.tags.iter().collect();
    assert_eq!(ids_of(g, "ear_tag"), prefixed("ear_tag", &tags));
    assert!(node(g, &format!("org:{}", f.house)).is_some());
    assert_eq!(ids_of(g, "product_certificate").len(), 1);
    assert_eq!(ids_of(g, "inspection_certificate").len(), 1);
}

#[actix_web::test]
async fn backward_from_a_child_code_a_ledger_entry_and_a_receipt() {
    let app = TestApp::with_cast(&[CAST, &["inspector.city"]].concat()).await;
    let f = fixture(&app).await;
    let insp = app.token("inspector.city");

    let g = trace(&app, &insp, &format!("backward?trace_code={}", f.code_c1)).await;
    assert_eq!(g["start"]["kind"], "trace_code");
    assert_eq!(g["start"]["node"], format!("lot:{}", f.c1));
    assert_upstream(&g, &f);
    assert_eq!(ids_of(&g, "lot"), prefixed("lot", &[&f.a, &f.c1]));
    assert!(has_edge(
        &g,
        &format!("lot:{}", f.a),
        &format!("lot:{}", f.c1),
        "split_into"
    ));
    // The shipments that brought A to the stall that cut C1: 穗北 → 穗丰 → 江南12, nothing else.
    assert_eq!(
        ids_of(&g, "shipment"),
        prefixed("shipment", &[&f.shipments[0], &f.shipments[2]])
    );
    assert!(node(&g, &format!("org:{}", f.panyu_stall)).is_none());
    assert_eq!(holding(&g, &f.stall, &f.c1), Some((30_000, 0)));
    assert!(ids_of(&g, "ledger_entry").is_empty());

    let g = trace(
        &app,
        &insp,
        &format!("backward?ledger_entry_id={}", f.panyu_entry),
    )
    .await;
    assert_eq!(
        g["start"]["node"],
        format!("ledger_entry:{}", f.panyu_entry)
    );
    assert_upstream(&g, &f);
    assert_eq!(ids_of(&g, "lot"), prefixed("lot", &[&f.a]));
    assert_eq!(
        ids_of(&g, "shipment"),
        prefixed("shipment", &[&f.shipments[0], &f.shipments[3]])
    );
    assert_eq!(
        ids_of(&g, "ledger_entry"),
        prefixed("ledger_entry", &[&f.panyu_entry])
    );
    assert_eq!(holding(&g, &f.panyu_stall, &f.a), Some((50_000, 30_000)));
    assert_eq!(holding(&g, &f.trader, &f.a), Some((100_000, 0)));

    for q in [
        format!("backward?receipt_id={}", f.receipt),
        format!("backward?receipt_no={}", f.receipt_no.to_lowercase()),
    ] {
        let g = trace(&app, &insp, &q).await;
        assert_eq!(g["start"]["node"], format!("receipt:{}", f.receipt));
        assert_upstream(&g, &f);
        assert_eq!(ids_of(&g, "lot"), prefixed("lot", &[&f.a, &f.c1]));
        let r = node(&g, &format!("receipt:{}", f.receipt)).expect("receipt");
        assert_eq!(r["attrs"]["lines"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            ids_of(&g, "shipment"),
            prefixed("shipment", &[&f.shipments[0], &f.shipments[2]])
        );
    }
}

#[actix_web::test]
async fn forward_reaches_every_lot_shipment_entry_and_receipt_with_what_each_holder_has() {
    let app = TestApp::with_cast(&[CAST, &["sr.city"]].concat()).await;
    let f = fixture(&app).await;
    let sr = app.token("sr.city");
    let all_lots = prefixed("lot", &[&f.a, &f.b, &f.c1, &f.c2]);
    let all_shipments = prefixed("shipment", &f.shipments.iter().collect::<Vec<_>>());

    let starts = [
        format!("forward?animal_certificate_id={}", f.certificate),
        format!("forward?ear_tag={}", f.tags[1]),
        format!("forward?batch_id={}", f.batch),
    ];
    let mut graphs = Vec::new();
    for q in &starts {
        let g = trace(&app, &sr, q).await;
        assert_eq!(ids_of(&g, "lot"), all_lots, "{q}");
        assert_eq!(ids_of(&g, "shipment"), all_shipments, "{q}");
        assert_eq!(ids_of(&g, "ledger_entry").len(), 3, "{q}");
        assert_eq!(
            ids_of(&g, "receipt"),
            prefixed("receipt", &[&f.receipt]),
            "{q}"
        );
        assert!(node(&g, &format!("batch:{}", f.batch)).is_some());
        // What each holder still has.
        assert_eq!(holding(&g, &f.house, &f.a), Some((0, 0)), "{q}");
        assert_eq!(holding(&g, &f.house, &f.b), Some((0, 0)), "{q}");
        assert_eq!(holding(&g, &f.trader, &f.a), Some((100_000, 0)), "{q}");
        assert_eq!(holding(&g, &f.trader, &f.b), Some((0, 100_000)), "{q}");
        assert_eq!(holding(&g, &f.stall, &f.a), Some((30_000, 0)), "{q}");
        assert_eq!(holding(&g, &f.stall, &f.c1), Some((30_000, 0)), "{q}");
        assert_eq!(holding(&g, &f.stall, &f.c2), Some((30_000, 0)), "{q}");
        assert_eq!(
            holding(&g, &f.panyu_stall, &f.a),
            Some((50_000, 30_000)),
            "{q}"
        );
        let stall = node(&g, &format!("org:{}", f.stall)).expect("stall");
        assert_eq!(stall["attrs"]["still_has_g"], 90_000);
        assert_eq!(stall["attrs"]["district"], "haizhu");
        let c1 = node(&g, &format!("lot:{}", f.c1)).expect("c1");
        assert_eq!(c1["attrs"]["weight_g"], 50_000);
        assert_eq!(c1["attrs"]["status"], "active");
        assert_eq!(c1["attrs"]["parent"], format!("lot:{}", f.a));
        graphs.push(g);
    }
    assert_eq!(graphs[0]["start"]["kind"], "animal_certificate");
    assert_eq!(graphs[1]["start"]["node"], format!("ear_tag:{}", f.tags[1]));
    assert!(has_edge(
        &graphs[1],
        &format!("ear_tag:{}", f.tags[1]),
        &ids_of(&graphs[1], "intake")[0],
        "seen_at"
    ));
    // One answer, whatever the order it was put together in: the lists are sorted.
    let again = trace(&app, &sr, &starts[2]).await;
    assert_eq!(again, graphs[2]);
    let sorted_ids = |g: &Value| {
        let ids: Vec<&str> = g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        ids.windows(2).all(|w| w[0] < w[1])
    };
    assert!(sorted_ids(&graphs[2]));

    // From lot A (by id and by code): A and its children, not B, not B's shipment.
    for q in [
        format!("forward?lot_id={}", f.a),
        format!("forward?trace_code={}", f.code_a),
    ] {
        let g = trace(&app, &sr, &q).await;
        assert_eq!(
            ids_of(&g, "lot"),
            prefixed("lot", &[&f.a, &f.c1, &f.c2]),
            "{q}"
        );
        let mut want: Vec<&String> = f.shipments.iter().collect();
        want.remove(1);
        assert_eq!(ids_of(&g, "shipment"), prefixed("shipment", &want), "{q}");
        assert_eq!(ids_of(&g, "ledger_entry").len(), 3);
        assert_eq!(ids_of(&g, "receipt").len(), 1);
        assert_eq!(holding(&g, &f.panyu_stall, &f.a), Some((50_000, 30_000)));
    }
    // A recall of A shows on A and its children.
    let recall = app
        .post(
            &format!("/api/v1/lots/{}/recalls", f.a),
            Some(&sr),
            json!({"reason": "抽检不合格"}),
        )
        .await;
    assert_eq!(recall.status, StatusCode::CREATED, "{recall:?}");
    let g = trace(&app, &sr, &format!("forward?lot_id={}", f.c1)).await;
    assert_eq!(
        node(&g, &format!("lot:{}", f.c1)).unwrap()["attrs"]["status"],
        "recalled"
    );
    let g = trace(&app, &sr, &format!("forward?batch_id={}", f.batch)).await;
    for (lot, status) in [(&f.a, "recalled"), (&f.c2, "recalled"), (&f.b, "active")] {
        assert_eq!(
            node(&g, &format!("lot:{lot}")).unwrap()["attrs"]["status"],
            status
        );
    }
    assert_eq!(ids_of(&g, "recall").len(), 1);
}

/// A tiny well-formedness check: tags balance, every tag is one the picture uses (so no label text
/// became markup), and there is no stray `<` or `>`.
fn well_formed(svg: &str) {
    assert!(svg.starts_with("<svg"), "starts with <svg");
    let allowed = [
        "svg", "title", "defs", "marker", "path", "rect", "text", "g",
    ];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(open) = rest.find('<') {
        assert!(!rest[..open].contains('>'), "stray > in text");
        let close = rest[open..].find('>').expect("unclosed tag") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "< inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "balanced");
        } else {
            let name = tag
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap();
            assert!(allowed.contains(&name), "unexpected element <{name}>");
            if !tag.ends_with('/') {
                stack.push(name.to_string());
            }
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    assert!(rest.trim().is_empty());
}

#[actix_web::test]
async fn the_picture_is_well_formed_svg_with_the_codes() {
    let app = TestApp::with_cast(&[CAST, &["mr.city"]].concat()).await;
    let f = fixture(&app).await;
    let mr = app.token("mr.city");
    for q in [
        format!("forward?batch_id={}&format=svg", f.batch),
        format!("backward?trace_code={}&format=svg", f.code_c1),
    ] {
        let r = app.get(&format!("/api/v1/trace/{q}"), Some(&mr)).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        let ct = r.headers.get("content-type").unwrap().to_str().unwrap();
        assert!(ct.starts_with("image/svg+xml"), "{ct}");
        let svg = r.body.as_str().expect("svg text");
        well_formed(svg);
        assert!(svg.contains(&f.code_c1), "{q}");
        assert!(svg.contains("穗北"));
    }
    let r = app
        .get(
            &format!("/api/v1/trace/forward?batch_id={}&format=svg", f.batch),
            Some(&mr),
        )
        .await;
    let svg = r.body.as_str().unwrap();
    assert!(svg.contains(&f.code_a));
    // The child named 牛腩<精选> is drawn escaped.
    assert!(svg.contains("牛腩&lt;精选&gt;"));
    assert!(!svg.contains("牛腩<精选>"));
}

struct Starts {
    batch: String,
    code_a: String,
    code_c1: String,
    stall_entry: String,
    panyu_entry: String,
    receipt: String,
}

#[actix_web::test]
async fn who_may_trace_where() {
    let app = TestApp::with_cast(&[CAST, MATRIX_CAST].concat()).await;
    let f = fixture(&app).await;
    let ctx = Starts {
        batch: f.batch.clone(),
        code_a: f.code_a.clone(),
        code_c1: f.code_c1.clone(),
        stall_entry: f.stall_entry.clone(),
        panyu_entry: f.panyu_entry.clone(),
        receipt: f.receipt.clone(),
    };
    let rows: Vec<(&str, BuildOf<Starts>, &str)> = vec![
        (
            "forward from a Baiyun batch",
            row(|c: &Starts, _| get(format!("/api/v1/trace/forward?batch_id={}", c.batch))),
            "admin=403 sr=200 srb=200 mr=200 vet=403 sh=403 shy=403 vendor=403 insp=200 insph=404 hotline=403 anon=401",
        ),
        (
            "forward from lot A, shipped to a Haizhu stall",
            row(|c: &Starts, _| get(format!("/api/v1/trace/forward?trace_code={}", c.code_a))),
            "admin=403 sr=200 srb=200 mr=200 sh=403 vendor=403 insp=200 insph=200 hotline=403 anon=401",
        ),
        (
            "backward from a child cut by the Haizhu stall (its slaughterhouse is in Baiyun)",
            row(|c: &Starts, _| get(format!("/api/v1/trace/backward?trace_code={}", c.code_c1))),
            "admin=403 sr=200 srb=200 mr=200 sh=403 vendor=403 insp=200 insph=200 hotline=403 anon=401",
        ),
        (
            "backward from the Haizhu stall's ledger entry",
            row(|c: &Starts, _| get(format!("/api/v1/trace/backward?ledger_entry_id={}", c.stall_entry))),
            "admin=403 sr=200 srb=404 mr=200 vendor=403 insp=200 insph=200 anon=401",
        ),
        (
            "backward from the Panyu stall's ledger entry",
            row(|c: &Starts, _| get(format!("/api/v1/trace/backward?ledger_entry_id={}", c.panyu_entry))),
            "sr=200 srb=404 insp=200 insph=404 vendor=403 anon=401",
        ),
        (
            "backward from the Haizhu stall's receipt",
            row(|c: &Starts, _| get(format!("/api/v1/trace/backward?receipt_id={}", c.receipt))),
            "srb=404 insp=200 insph=200 vendor=403 hotline=403 anon=401",
        ),
    ];
    let (failures, checked) = run_matrix(&app, &ctx, &rows).await;
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(checked > 40);
    // Outside the district is answered exactly as unknown.
    let insph = app.token("inspector.haizhu");
    let outside = app
        .get(
            &format!("/api/v1/trace/forward?batch_id={}", f.batch),
            Some(&insph),
        )
        .await;
    let unknown = app
        .get(
            &format!("/api/v1/trace/forward?batch_id={}", uuid::Uuid::new_v4()),
            Some(&insph),
        )
        .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    assert_eq!(outside.code(), unknown.code());
    assert_eq!(outside.body["detail"], unknown.body["detail"]);
    // A district inspector's trace still follows the chain out of its district.
    let g = trace(&app, &insph, &format!("backward?trace_code={}", f.code_c1)).await;
    assert!(node(&g, &format!("batch:{}", f.batch)).is_some());
}

#[actix_web::test]
async fn bad_starts_are_refused_clearly() {
    let app = TestApp::with_cast(&[CAST, &["inspector.city"]].concat()).await;
    let f = fixture(&app).await;
    let insp = app.token("inspector.city");
    let get = |q: String| {
        let app = &app;
        let insp = insp.clone();
        async move { app.get(&format!("/api/v1/trace/{q}"), Some(&insp)).await }
    };
    for q in [
        "backward".to_string(),
        "forward".to_string(),
        "forward?format=svg".to_string(),
        format!("backward?trace_code={}&receipt_id={}", f.code_a, f.receipt),
        format!("forward?batch_id={}&lot_id={}", f.batch, f.a),
    ] {
        let r = get(q.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {r:?}");
        assert_eq!(r.code(), "trace_start_required", "{q}");
        assert!(r.body["detail_en"]
            .as_str()
            .unwrap()
            .contains("exactly one"));
    }
    for q in [
        "forward?batch_id=not-a-uuid",
        "backward?ledger_entry_id=123",
        "forward?lot_id=1&format=svg",
        "forward?format=png&batch_id=6f1c2b1e-9a4d-4f7e-8a55-3b0e2b7f9d10",
        "forward?colour=red",
    ] {
        let r = get(q.to_string()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {r:?}");
        assert_eq!(r.code(), "invalid_query", "{q}");
    }
    let unknown = uuid::Uuid::new_v4();
    for q in [
        format!("forward?batch_id={unknown}"),
        format!("forward?lot_id={unknown}"),
        format!("forward?animal_certificate_id={unknown}"),
        "forward?ear_tag=244180399999999".to_string(),
        format!("backward?ledger_entry_id={unknown}"),
        format!("backward?receipt_id={unknown}"),
        "backward?receipt_no=R20990101ZZZZZZZZ".to_string(),
    ] {
        let r = get(q.clone()).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{q}: {r:?}");
    }
    let r = get(format!(
        "backward?trace_code={}",
        niuyang::lots::trace_code::generate()
    ))
    .await;
    assert_eq!(r.code(), "unknown_code");
    let mut wrong: Vec<char> = f.code_a.chars().collect();
    wrong[3] = if wrong[3] == 'A' { 'B' } else { 'A' };
    let wrong: String = wrong.into_iter().collect();
    assert_eq!(
        get(format!("forward?trace_code={wrong}")).await.code(),
        "mistyped_code"
    );
    assert_eq!(
        get("forward?ear_tag=12345".to_string()).await.code(),
        "invalid_ear_tag"
    );
}
