//! The served OpenAPI document against a committed copy (`tests/fixtures/openapi.json`), compared by meaning:
//! every `$ref` is replaced by what it names (so components may be renamed or inlined), and words meant for
//! people (descriptions, summaries, titles, examples, operation ids, tags) are left out. Paths, methods,
//! parameters, request bodies, responses and schemas with their constraints must match, so any change of the
//! API is deliberate: rewrite the copy with `NIUYANG_UPDATE_OPENAPI=1 cargo test --test api openapi_copy` and
//! let the diff of the copy be reviewed with the change.

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use serde_json::{Map, Value};

use crate::common::TestApp;

const COPY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/openapi.json");

/// Keys that carry words for people or names, not meaning.
const WORDS: &[&str] = &[
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "operationId",
    "tags",
    "externalDocs",
];

/// The document with every reference replaced by its target (a reference back into a schema being resolved
/// becomes `{"recursive": true}`), without the words of [`WORDS`], and without `components` and `info`.
fn meaning(doc: &Value) -> Value {
    // `names`: this object's keys are names (of a schema's properties), not keywords.
    fn resolve(doc: &Value, v: &Value, stack: &mut Vec<String>, names: bool) -> Value {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    if stack.contains(r) {
                        return serde_json::json!({"recursive": true});
                    }
                    let target = r
                        .trim_start_matches("#/")
                        .split('/')
                        .try_fold(doc, |v, part| v.get(part))
                        .unwrap_or_else(|| panic!("dangling reference {r}"));
                    stack.push(r.clone());
                    let out = resolve(doc, target, stack, false);
                    stack.pop();
                    return out;
                }
                let mut out = Map::new();
                for (k, x) in m {
                    if names || !WORDS.contains(&k.as_str()) {
                        let inner = !names && k == "properties";
                        out.insert(k.clone(), resolve(doc, x, stack, inner));
                    }
                }
                Value::Object(out)
            }
            Value::Array(a) => {
                let mut items: Vec<Value> =
                    a.iter().map(|x| resolve(doc, x, stack, false)).collect();
                // Parameters and `required` lists mean the same in any order.
                if items.iter().all(|x| x.is_string())
                    || items.iter().all(|x| x.get("name").is_some())
                {
                    items.sort_by_key(|x| x.to_string());
                }
                Value::Array(items)
            }
            other => other.clone(),
        }
    }
    let paths = doc.get("paths").cloned().unwrap_or(Value::Null);
    let mut stack = Vec::new();
    serde_json::json!({
        "openapi": doc.get("openapi"),
        "paths": resolve(doc, &paths, &mut stack, false),
        "security": doc.get("security"),
    })
}

/// JSON pointers where `a` and `b` differ, with both values (shortened).
fn differences(a: &Value, b: &Value, at: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => differences(p, q, &here, out),
                    (Some(_), None) => out.push(format!("{here}: only in the committed copy")),
                    (None, Some(_)) => out.push(format!("{here}: only in the served document")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(p, q, &format!("{at}/{i}"), out);
            }
        }
        _ if a == b => {}
        _ => {
            let short = |v: &Value| v.to_string().chars().take(160).collect::<String>();
            out.push(format!("{at}: copy {} ≠ served {}", short(a), short(b)));
        }
    }
}

#[actix_web::test]
async fn the_served_contract_means_what_the_committed_copy_means() {
    let app = TestApp::empty();
    let served = app.get("/api/openapi.json", None).await;
    assert_eq!(served.status, StatusCode::OK);
    if std::env::var_os("NIUYANG_UPDATE_OPENAPI").is_some() {
        let text = serde_json::to_string_pretty(&served.body).expect("json") + "\n";
        std::fs::write(COPY, text).expect("write the copy");
        return;
    }
    let copy: Value =
        serde_json::from_str(&std::fs::read_to_string(COPY).expect("the committed copy"))
            .expect("the copy is JSON");
    let mut diff = Vec::new();
    differences(&meaning(&copy), &meaning(&served.body), "", &mut diff);
    // The same change seen under many operations (a new refusal code in every problem schema) is told once.
    let mut told: Vec<(String, usize, String)> = Vec::new();
    for d in &diff {
        let (at, what) = d.split_once(": ").unwrap_or((d, ""));
        let tail: Vec<&str> = at.rsplit('/').take(4).collect();
        let key = format!(
            "…/{}: {what}",
            tail.into_iter().rev().collect::<Vec<_>>().join("/")
        );
        match told.iter_mut().find(|(k, _, _)| *k == key) {
            Some(t) => t.1 += 1,
            None => told.push((key, 1, at.to_string())),
        }
    }
    assert!(
        diff.is_empty(),
        "the served OpenAPI document differs from tests/fixtures/openapi.json in {} places; if the change \
         is deliberate, rewrite the copy with NIUYANG_UPDATE_OPENAPI=1 cargo test --test api openapi_copy:\n{}",
        diff.len(),
        told.iter()
            .take(60)
            .map(|(k, n, first)| format!("{k}\n    ({n}×, first at {first})"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The comparison sees a change of meaning and ignores a change of names or words.
#[test]
fn renaming_a_component_is_no_change_but_a_new_bound_is() {
    let doc = serde_json::json!({
        "openapi": "3.1.0",
        "paths": {"/a": {"post": {"operationId": "make_a", "requestBody": {"content": {"application/json":
            {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
        "components": {"schemas": {"A": {"type": "object", "description": "an A",
            "properties": {"n": {"type": "integer"}, "description": {"type": "string"}}}}}
    });
    let mut renamed = doc.clone();
    renamed["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["$ref"] = Value::from("#/components/schemas/Renamed");
    renamed["paths"]["/a"]["post"]["operationId"] = Value::from("create_a");
    let schemas = renamed["components"]["schemas"]
        .as_object_mut()
        .expect("schemas");
    let a = schemas.remove("A").expect("A");
    schemas.insert("Renamed".into(), a);
    renamed["components"]["schemas"]["Renamed"]["description"] = Value::from("another text");
    let mut diff = Vec::new();
    differences(&meaning(&doc), &meaning(&renamed), "", &mut diff);
    assert!(diff.is_empty(), "{diff:?}");

    renamed["components"]["schemas"]["Renamed"]["properties"]["n"]["maximum"] = Value::from(10);
    differences(&meaning(&doc), &meaning(&renamed), "", &mut diff);
    assert_eq!(diff.len(), 1, "{diff:?}");
    assert!(diff[0].contains("/properties/n/maximum"), "{diff:?}");

    // A property called `description` is a field, not words.
    diff.clear();
    let schemas = renamed["components"]["schemas"]["Renamed"]["properties"]
        .as_object_mut()
        .expect("properties");
    schemas.remove("description");
    schemas["n"].as_object_mut().expect("n").remove("maximum");
    differences(&meaning(&doc), &meaning(&renamed), "", &mut diff);
    assert_eq!(diff.len(), 1, "{diff:?}");
    assert!(diff[0].contains("/properties/description"), "{diff:?}");
}
