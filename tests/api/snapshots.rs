//! Snapshots of representative answers (insta): a lot as made, the public verification of its code, a
//! shipment, a receipt and its public check, the backward trace, the public registry, and refusals with field
//! errors. What changes from run to run is redacted (ids, times, dates, trace codes, numbers the test makes),
//! so a snapshot changes only when an answer's shape or wording does. Both backends compare with the same
//! files. Review a change with `cargo insta review` or by reading the `.snap.new` file insta writes beside
//! the old one; accept it with `INSTA_UPDATE=always cargo test --test api snapshots`.

use serde_json::{json, Value};

use crate::build::*;
use crate::common::*;

/// A string with what changes between runs replaced: UUIDs, times, dates, trace codes (plain or grouped)
/// and the serial numbers the builders put into document numbers.
fn redact_text(s: &str) -> String {
    // Order matters: times before dates, UUIDs before trace codes.
    const RULES: &[(&str, &str)] = &[
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[uuid]",
        ),
        (
            r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?",
            "[time]",
        ),
        (r"\d{4}-\d{2}-\d{2}", "[date]"),
        (r"\d{4}年\d{1,2}月\d{1,2}日", "[date]"),
        (
            r"\b[0-9A-HJ-NP-RTUW-Y]{4}-[0-9A-HJ-NP-RTUW-Y]{4}-[0-9A-HJ-NP-RTUW-Y]{4}\b",
            "[code]",
        ),
        (r"\b[0-9A-HJ-NP-RTUW-Y]{12}\b", "[code]"),
        (r"\bR\d{8}[0-9A-Z]{8}\b", "[receipt-no]"),
        (r"(JY|SNAP|RC|NO)-\d+", "$1-[n]"),
        (r"\b\d{15}\b", "[ear-tag]"),
        (r"\b(XSPZ|SP)\d+\b", "$1[n]"),
    ];
    // Compiled once: an unoptimised build takes milliseconds per pattern, and answers have hundreds of strings.
    static COMPILED: std::sync::LazyLock<Vec<(regex::Regex, &'static str)>> =
        std::sync::LazyLock::new(|| {
            RULES
                .iter()
                .map(|(p, with)| (regex::Regex::new(p).expect("pattern"), *with))
                .collect()
        });
    COMPILED.iter().fold(s.to_string(), |s, (pattern, with)| {
        pattern.replace_all(&s, *with).into_owned()
    })
}

/// The answer with every string redacted (keys too: some maps are keyed by id).
fn redact(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(redact_text(s)),
        Value::Array(a) => Value::Array(a.iter().map(redact).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, x)| (redact_text(k), redact(x))).collect())
        }
        other => other.clone(),
    }
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_sort_maps(true);
    s
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        settings().bind(|| insta::assert_json_snapshot!($name, redact(&$value)))
    };
}

#[test]
fn redaction_keeps_words_and_replaces_what_changes() {
    let code = niuyang::lots::trace_code::generate();
    let shown = niuyang::lots::trace_code::display(&code);
    let text = format!(
        "批次 {code} / {shown} at 2026-12-01T08:30:00.123+08:00 on 2026-12-01, id \
         0b9f9f43-5c36-4a57-9a55-0e6bd0e1d1d5, voucher JY-17, tag 244010100000001, receipt \
         R20261202QYUFK0H5, 检疫"
    );
    assert_eq!(
        redact_text(&text),
        "批次 [code] / [code] at [time] on [date], id [uuid], voucher JY-[n], tag [ear-tag], receipt \
         [receipt-no], 检疫"
    );
}

#[actix_web::test]
async fn answers_along_the_chain_keep_their_shape() {
    let app =
        TestApp::with_cast(&["sh.suibei", "vet.chen", "vendor.suifeng", "inspector.city"]).await;
    let made = app.chain(SUIBEI).lots(&[120_000, 80_000]).make().await;
    let staff = app.token("sh.suibei");
    let lot = &made.lots[0];

    let view = app
        .get(&format!("/api/v1/lots/{}", lot.id), Some(&staff))
        .await;
    snap!("lot_as_its_slaughterhouse_sees_it", view.body);

    let public = app.get(&format!("/api/v1/verify/{}", lot.code), None).await;
    snap!("public_verification", public.body);

    let (shipment, held) = app
        .shipment(lot, 50_000)
        .to("vendor.suifeng")
        .received()
        .make()
        .await;
    let shipped = app
        .get(&format!("/api/v1/shipments/{shipment}"), Some(&staff))
        .await;
    snap!("shipment", shipped.body);

    let trader = app.token("vendor.suifeng");
    let receipt = app
        .post(
            "/api/v1/receipts",
            Some(&trader),
            json!({"lines": [{"lot_id": held[0].id, "weight_g": 1_500, "price_fen": 12_000}]}),
        )
        .await;
    let mut issued = receipt.body.clone();
    // The QR picture is checked elsewhere; here its presence is enough.
    issued["qr_svg"] = Value::from(issued["qr_svg"].as_str().map(|s| s.starts_with("<svg")));
    snap!("receipt_as_issued", issued);
    let number = receipt.body["number"].as_str().expect("number");
    let checked = app
        .get(&format!("/api/v1/public/receipts/{number}"), None)
        .await;
    snap!("receipt_as_anyone_checks_it", checked.body);

    let trace = app
        .get(
            &format!("/api/v1/trace/backward?trace_code={}", held[0].code),
            Some(&app.token("inspector.city")),
        )
        .await;
    // The graph's nodes and edges are ordered by id; with ids redacted, order them by what is left.
    let mut graph = redact(&trace.body);
    for list in ["nodes", "edges"] {
        if let Some(items) = graph[list].as_array_mut() {
            items.sort_by_key(|v| v.to_string());
        }
    }
    snap!("backward_trace_from_a_lot", graph);

    let registry = app.get("/api/v1/public/slaughterhouses", None).await;
    snap!("public_registry", registry.body);
}

#[actix_web::test]
async fn refusals_keep_their_shape() {
    let app = TestApp::with_cast(&["sh.suibei"]).await;
    let staff = app.token("sh.suibei");
    let missing = app
        .post("/api/v1/auth/login", None, json!({"username": "someone"}))
        .await;
    snap!("refusal_of_a_missing_field", missing.body);

    let bad_tag = app
        .post(
            "/api/v1/animal-certificates",
            Some(&staff),
            json!({"number": "X-1", "cert_type": "animal_b", "species": "cattle", "head_count": 2,
                   "owner_name": "陈某某", "origin_place": "广东省清远市",
                   "destination_id": app.org_of(SUIBEI), "carrier": "粤运", "vehicle_plate": "粤R·3C417",
                   "issued_at": hours_ago(0), "ear_tags": ["24401010000001"]}),
        )
        .await;
    snap!("refusal_of_a_bad_ear_tag", bad_tag.body);

    let unknown = app.get("/api/v1/verify/7K3M-Q9XA-2RTM", None).await;
    snap!("refusal_of_a_code_that_fails_its_check", unknown.body);
}
