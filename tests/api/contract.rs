//! The OpenAPI document as a contract: every operation documents the problem responses it can give, as
//! `application/problem+json`, and the constraints the service enforces; what Schemathesis
//! (`.ci/schemathesis.sh`) found the service doing against its own contract, fixed.

use actix_web::http::StatusCode;
use serde_json::{json, Value};

use crate::build::*;
use crate::common::*;

/// Every operation of the document, as (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if ["get", "put", "post", "delete", "patch", "head", "options"]
                .contains(&method.as_str())
            {
                out.push((method.clone(), path.clone(), op.clone()));
            }
        }
    }
    out
}

fn documents(op: &Value, status: &str) -> bool {
    op["responses"].get(status).is_some()
}

#[actix_web::test]
async fn every_operation_documents_its_problem_responses() {
    let app = TestApp::empty();
    let doc = app.get("/api/openapi.json", None).await.body;
    let mut missing = Vec::new();
    for (method, path, op) in operations(&doc) {
        let secured = op["security"].as_array().is_some_and(|s| !s.is_empty())
            && path != "/api/v1/auth/login";
        let has_body = op.get("requestBody").is_some();
        let has_query = op["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
        let mut wanted = vec!["503"];
        if secured {
            wanted.extend(["401", "403"]);
        }
        if path.contains('{') || has_body {
            wanted.push("404");
        }
        if path.contains('{') || has_body || has_query {
            wanted.push("400");
        }
        if has_body {
            wanted.extend(["413", "415", "422"]);
        }
        if method != "get" {
            wanted.push("422");
        }
        for status in wanted {
            if !documents(&op, status) {
                missing.push(format!("{} {path}: {status}", method.to_uppercase()));
            }
        }
        // Every refusal documented has a problem+json body (a page may also answer with itself).
        for (status, response) in op["responses"].as_object().expect("responses") {
            if status.starts_with('4') || status.starts_with('5') {
                let problem = &response["content"]["application/problem+json"]["schema"]["$ref"];
                if problem != "#/components/schemas/Problem" {
                    missing.push(format!(
                        "{} {path}: {status} is not application/problem+json",
                        method.to_uppercase()
                    ));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "undocumented problem responses: {missing:#?}"
    );
}

#[actix_web::test]
async fn forms_are_request_bodies_and_never_query_parameters() {
    let app = TestApp::empty();
    let doc = app.get("/api/openapi.json", None).await.body;
    for (method, path, op) in operations(&doc) {
        for p in op["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap_or_default();
            assert!(
                !["access_code", "name", "phone", "account"].contains(&name) || p["in"] != "query",
                "{method} {path}: the form field {name} is documented as a query parameter"
            );
        }
        if let Some(content) = op["requestBody"]["content"].as_object() {
            if path.starts_with("/complaints/") {
                assert!(
                    content.contains_key("application/x-www-form-urlencoded"),
                    "{method} {path}: a page's form is a form body"
                );
            }
        }
    }
}

#[actix_web::test]
async fn request_constraints_are_in_the_document() {
    let app = TestApp::empty();
    let doc = app.get("/api/openapi.json", None).await.body;
    let schemas = &doc["components"]["schemas"];
    // A required plain text: 1 to 200 characters with something visible, no control characters.
    let batch_no = &schemas["NewBatchRequest"]["properties"]["batch_no"];
    assert_eq!(batch_no["minLength"], 1);
    assert_eq!(batch_no["maxLength"], 200);
    assert!(batch_no["pattern"]
        .as_str()
        .is_some_and(|p| p.contains("\\x00-\\x1f")));
    // Numbers checked by the use cases carry their ranges; lists their sizes.
    let heads = &schemas["NewAnimalCertificate"]["properties"]["head_count"];
    assert_eq!(
        (heads["minimum"].as_f64(), heads["maximum"].as_f64()),
        (Some(1.0), Some(10_000.0))
    );
    assert_eq!(schemas["NewShipment"]["properties"]["lines"]["minItems"], 1);
    assert_eq!(schemas["NewReceipt"]["properties"]["lines"]["maxItems"], 50);
    // Date-times are formatted as such; the Idempotency-Key header says which keys are taken.
    assert_eq!(
        schemas["NewAnimalCertificate"]["properties"]["issued_at"]["format"],
        "date-time"
    );
    let key = doc["paths"]["/api/v1/receipts"]["post"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "Idempotency-Key"))
        .expect("Idempotency-Key")
        .clone();
    assert_eq!(key["schema"]["maxLength"], 200);
    assert_eq!(key["schema"]["minLength"], 1);
}

/// JSON Schema's integers include `300.0`: a plain integer field takes it as 300, as the edge types of
/// `input.rs` already did; `300.5` is still refused, naming the field. (Schemathesis: 400 `invalid_body`
/// "expected i64" for a value the schema allows.)
#[actix_web::test]
async fn a_whole_number_written_with_a_zero_fraction_is_that_number() {
    let app = TestApp::with_cast(&["sr.city", LIANGKOU]).await;
    let sr = app.token("sr.city");
    let id = app.org_id(LIANGKOU);
    let path = format!("/api/v1/slaughterhouses/{id}/fee-items");
    let made = app
        .post(
            &path,
            Some(&sr),
            json!({"item": "契约称重费", "unit": "per_kg", "cap_fen": 300.0, "effective_from": "2030-01-01"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{made:?}");
    assert_eq!(made.body["cap_fen"], 300);
    let fraction = app
        .post(
            &path,
            Some(&sr),
            json!({"item": "契约包装费", "unit": "per_kg", "cap_fen": 300.5, "effective_from": "2030-01-01"}),
        )
        .await;
    assert_eq!(fraction.status, StatusCode::BAD_REQUEST, "{fraction:?}");
    assert_eq!(fraction.code(), "invalid_body");
    assert!(fraction.body["detail_en"]
        .as_str()
        .unwrap_or_default()
        .contains("cap_fen"));
}
