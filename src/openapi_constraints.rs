//! The constraints the service enforces on what it reads, written into the OpenAPI document: the
//! `Idempotency-Key` header, text query parameters, and the text fields of request bodies that are plain
//! strings in their structs (checked by `validate::text`/`bounded` or a feature's own rule), so that a
//! client (or Schemathesis) knows which values are refused before sending them.

use serde_json::{json, Map, Value};
use utoipa::openapi::OpenApi;

/// A required text: some visible character, no control characters (`validate::text`).
const REQUIRED_TEXT: &str =
    r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";
/// A required text of several lines: some visible character, no control characters but newline and tab
/// (`validate::bounded`).
const REQUIRED_LINES: &str =
    r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b-\x1f\x7f-\x9f]*$";
/// An optional text of several lines: no control characters but newline and tab; empty is absent.
const OPTIONAL_LINES: &str = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$";
/// A text query parameter: no control characters.
const QUERY_TEXT: &str = r"^[^\x00-\x1f\x7f-\x9f]*$";
/// An `Idempotency-Key`: visible ASCII, spaces inside only (`idempotency::key`).
const IDEMPOTENCY_KEY: &str = r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$";

/// A phone number as `complaints::domain::normalise_phone` reads it: 5 to 20 digits, with spaces, hyphens,
/// brackets and a `+`.
const PHONE: &str = r"^[ ()+-]*(\d[ ()+-]*){5,20}$";

/// Fields whose rule is not the generic text rule: the constraints (JSON Schema) the use cases check on
/// fields that are plain numbers, strings and lists in their structs, by (schema, field).
fn field_rule(schema: &str, field: &str) -> Option<Value> {
    const I32: i64 = i32::MAX as i64;
    let range = |min: i64, max: i64| json!({"minimum": min, "maximum": max});
    let grams = range(crate::input::WEIGHT_G.min, crate::input::WEIGHT_G.max);
    let items = |min: usize, max: usize| json!({"minItems": min, "maxItems": max});
    Some(match (schema, field) {
        // Text with a format of its own.
        (_, "issued_at" | "inspected_at" | "disposed_at" | "received_at") => {
            json!({"format": "date-time"})
        }
        (_, "phone" | "reporter_phone") => json!({"pattern": PHONE}),
        // GB 32100-2015: 18 characters of its alphabet, the 3rd to 8th digits (the check character is not
        // stated: a wrong one is 422 invalid_uscc).
        ("DesignateRequest", "uscc") => {
            json!({"pattern": r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"})
        }
        // `auth::password::check_new`: 10 to 128 characters (and two kinds of character, not stated).
        ("ChangePasswordRequest", "new_password") => json!({"minLength": 10, "maxLength": 128}),
        ("CreateUser", "username") => json!({"pattern": r"^[a-z0-9._-]{3,64}$"}),
        ("AmendRequest", "licence_no" | "address") => {
            json!({"minLength": 1, "maxLength": 200, "pattern": REQUIRED_TEXT})
        }
        // Complaints (`validate::bounded` with each field's own length).
        ("FileRequest", "description") | ("ConcludeRequest", "finding" | "reply") => required(2000),
        ("ClaimRequest", "name") => required(50),
        ("ClaimRequest", "account") => optional(60),
        ("FileRequest", "work_order_no") => optional(40),
        ("FileRequest", "place" | "subject_name") => optional(200),
        ("FileRequest", "reporter_name") => optional(50),
        ("NoteRequest" | "DispatchRequest" | "RewardRequest" | "PaidRequest", "note") => {
            optional(1000)
        }
        ("NewAnimalCertificate" | "NewIntake", "ear_tags") => {
            json!({"items": {"type": "string", "pattern": r"^\d{15}$"}})
        }
        ("NewInspectionViolation", "rule") => json!({"enum": inspection_rule_codes()}),
        // Numbers (the edge types of `input.rs` carry their own bounds).
        ("NewAnimalCertificate", "head_count") => range(1, 10_000),
        ("NewIntake", "heads_alive") => range(0, 10_000),
        ("NewIntake", "heads_dead") => range(0, I32),
        ("DrawRequest", "heads") => range(1, I32),
        ("QuarantineRequest", "heads_passed" | "heads_failed" | "samples" | "positives") => {
            range(0, I32)
        }
        ("FeeRequest" | "ProductCertificateRequest", "quantity") => range(1, i64::MAX),
        ("RewardRequest", "amount_fen") => range(1, 100_000_000),
        ("PenaltyRequest", "fine_fen") => range(0, 100_000_000_000),
        ("FeeItemRequest", "cap_fen") => range(0, i64::MAX),
        ("NewDisposal", "heads") => range(0, I32),
        ("NewDisposal", "weight_g") | ("RecallReportRequest", "pulled_g" | "disposed_g") => {
            range(0, i64::MAX)
        }
        ("NewLotRequest", "weight_g") => range(crate::input::WEIGHT_G.min, 10_000_000),
        (
            "ConfirmRequest" | "HolderDisposal" | "ChildRequest" | "ReceiptLine" | "LineRequest",
            "weight_g",
        ) => grams,
        // Lists.
        ("NewShipment", "lines") | ("NewLots", "lots") => items(1, 500),
        ("NewReceipt", "lines") => items(1, 50),
        ("SplitRequest", "children") => items(1, 200),
        ("NewBatchRequest", "draws") => json!({"minItems": 1}),
        _ => return None,
    })
}

/// Fields whose schema is replaced whole: a shared enum of which a request takes only some values.
fn field_schema(schema: &str, field: &str) -> Option<Map<String, Value>> {
    let v = match (schema, field) {
        ("NewCreditEvent", "kind") => json!({
            "type": "string",
            "enum": ["commendation", "warning", "note"],
            "description": "commendation, warning or note (the other kinds come from the records that cause them)",
        }),
        _ => return None,
    };
    v.as_object().cloned()
}

/// A required text of several lines, at most `max` characters.
fn required(max: usize) -> Value {
    json!({"minLength": 1, "maxLength": max, "pattern": REQUIRED_LINES})
}

/// An optional text of several lines, at most `max` characters.
fn optional(max: usize) -> Value {
    json!({"maxLength": max, "pattern": OPTIONAL_LINES})
}

fn inspection_rule_codes() -> Vec<&'static str> {
    crate::violations::rules::INSPECTIONS
        .iter()
        .map(|r| r.code)
        .collect()
}

fn rule_codes() -> Vec<&'static str> {
    crate::violations::rules::all()
        .into_iter()
        .map(|r| r.code)
        .collect()
}

/// Writes the constraints into the document; a document that does not round-trip is served as it was.
pub fn apply(api: OpenApi) -> OpenApi {
    let Ok(mut doc) = serde_json::to_value(&api) else {
        return api;
    };
    let bodies = constrain_operations(&mut doc);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for name in reachable(schemas, bodies) {
            if let Some(schema) = schemas.get_mut(&name) {
                constrain_fields(&name, schema);
            }
        }
    }
    serde_json::from_value(doc).unwrap_or(api)
}

/// Headers and query parameters of every operation; returns the schemas named by request bodies.
fn constrain_operations(doc: &mut Value) -> Vec<String> {
    let mut bodies = Vec::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return bodies;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let anonymous = op
                .get("security")
                .and_then(Value::as_array)
                .is_none_or(|s| s.is_empty());
            if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                for p in params.iter_mut() {
                    constrain_parameter(path, p, anonymous);
                }
            }
            if let Some(content) = op.pointer("/requestBody/content") {
                refs(content, &mut bodies);
            }
        }
    }
    bodies
}

fn constrain_parameter(path: &str, p: &mut Value, anonymous: bool) {
    let name = p
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let place = p
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) else {
        return;
    };
    match (place.as_str(), name.as_str()) {
        ("header", "Idempotency-Key") => {
            let min = if anonymous {
                crate::idempotency::MIN_ANONYMOUS_KEY_LEN
            } else {
                1
            };
            schema.insert("type".into(), json!("string"));
            schema.insert("minLength".into(), json!(min));
            schema.insert("maxLength".into(), json!(crate::idempotency::MAX_KEY_LEN));
            schema.insert("pattern".into(), json!(IDEMPOTENCY_KEY));
        }
        ("query", "rule") if path.starts_with("/api/v1/violations") => {
            schema.insert("enum".into(), json!(rule_codes()));
        }
        ("query", "q") if is_plain_text(schema) => {
            schema.insert("pattern".into(), json!(QUERY_TEXT));
        }
        ("query", "from" | "to") if path == "/api/v1/epcis/events" => {
            schema.clear();
            schema.insert(
                "anyOf".into(),
                json!([
                    {"type": "string", "format": "date"},
                    {"type": "string", "format": "date-time"},
                ]),
            );
        }
        _ => {}
    }
}

/// A string with nothing yet saying which strings it takes.
fn is_plain_text(schema: &Map<String, Value>) -> bool {
    let is_string = match schema.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
        _ => false,
    };
    is_string
        && ![
            "format",
            "enum",
            "pattern",
            "minLength",
            "maxLength",
            "const",
        ]
        .iter()
        .any(|k| schema.contains_key(*k))
}

fn is_nullable(schema: &Map<String, Value>) -> bool {
    matches!(schema.get("type"), Some(Value::Array(ts)) if ts.iter().any(|t| t == "null"))
}

/// Every component named by a `$ref` inside `v`.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix("#/components/schemas/") {
                            out.push(name.to_string());
                        }
                    }
                    _ => refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// The schemas request bodies read, directly or through others.
fn reachable(schemas: &Map<String, Value>, mut todo: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    while let Some(name) = todo.pop() {
        if seen.contains(&name) {
            continue;
        }
        if let Some(s) = schemas.get(&name) {
            refs(s, &mut todo);
        }
        seen.push(name);
    }
    seen
}

/// The text fields of one request schema (and of its inline parts).
fn constrain_fields(name: &str, schema: &mut Value) {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (field, p) in props.iter_mut() {
            let Some(p) = p.as_object_mut() else {
                continue;
            };
            if let Some(Value::Object(rule)) = field_rule(name, field) {
                p.extend(rule);
                continue;
            }
            if let Some(whole) = field_schema(name, field) {
                *p = whole;
                continue;
            }
            if !is_plain_text(p) {
                if let Some(items) = p.get_mut("items") {
                    constrain_fields(name, items);
                }
                continue;
            }
            // Optional texts are checked (or not) field by field; only the required ones share a rule.
            if required.contains(field) && !is_nullable(p) {
                p.insert("minLength".into(), json!(1));
                p.insert("maxLength".into(), json!(200));
                p.insert("pattern".into(), json!(REQUIRED_TEXT));
            }
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(parts)) = schema.get_mut(key) {
            for part in parts.iter_mut() {
                constrain_fields(name, part);
            }
        }
    }
}
