//! Errors: one problem+json shape; bad input of every kind gets a 4xx that says what is wrong, never a 500.

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::build::*;
use crate::common::*;

#[actix_web::test]
async fn health_openapi_and_docs() {
    let app = TestApp::empty();
    let live = app.get("/health/live", None).await;
    assert_eq!(live.status, StatusCode::OK);
    let ready = app.get("/health/ready", None).await;
    assert_eq!(ready.status, StatusCode::OK, "{ready:?}");
    assert_eq!(ready.body["database"], "ok");

    let api = app.get("/api/openapi.json", None).await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(api.body["openapi"]
        .as_str()
        .unwrap_or("")
        .starts_with("3.1"));
    let paths = api.body["paths"].as_object().expect("paths");
    for p in [
        "/api/v1/auth/login",
        "/api/v1/slaughterhouses",
        "/api/v1/slaughterhouses/{id}/status-changes",
        "/api/v1/audit/verify",
        "/api/v1/public/slaughterhouses",
        "/health/ready",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    let docs = app.get("/api/docs/", None).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(
        docs.body.as_str().unwrap_or("").contains("swagger"),
        "docs page"
    );
    let redirect = app.get("/api/docs", None).await;
    assert_eq!(redirect.status, StatusCode::FOUND);
}

#[actix_web::test]
async fn every_error_is_problem_json_in_both_languages() {
    let app = TestApp::with_cast(&["sr.city"]).await;
    let token = app.token("sr.city");
    let t = Some(token.as_str());

    let cases: Vec<(TestRequest, StatusCode, &str)> = vec![
        (
            TestRequest::post()
                .uri("/api/v1/slaughterhouses")
                .insert_header(("authorization", format!("Bearer {token}")))
                .insert_header(("content-type", "application/json"))
                .set_payload("{\"name\": "),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            request(
                Method::POST,
                "/api/v1/slaughterhouses",
                t,
                Some(json!({"name": 5})),
            ),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            request(
                Method::POST,
                "/api/v1/slaughterhouses",
                t,
                Some(json!({"name": "x"})),
            ),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            request(
                Method::POST,
                "/api/v1/slaughterhouses/00000000-0000-0000-0000-000000000000/agreements",
                t,
                Some(
                    json!({"number": "A", "signed_on": "2026-01-01", "expires_on": "2026-12-31", "extra": 1}),
                ),
            ),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            TestRequest::post()
                .uri("/api/v1/slaughterhouses")
                .insert_header(("authorization", format!("Bearer {token}")))
                .insert_header(("content-type", "application/json"))
                .set_payload(format!("{{\"name\": \"{}\"}}", "x".repeat(300 * 1024))),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            TestRequest::post()
                .uri("/api/v1/slaughterhouses")
                .insert_header(("authorization", format!("Bearer {token}")))
                .insert_header(("content-type", "text/plain"))
                .set_payload("hello"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_content_type",
        ),
        (
            request(Method::GET, "/api/v1/slaughterhouses/not-a-uuid", t, None),
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            request(
                Method::GET,
                "/api/v1/slaughterhouses?district=atlantis",
                t,
                None,
            ),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            request(Method::GET, "/api/v1/slaughterhouses?limit=abc", t, None),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            request(Method::GET, "/api/v1/no/such/thing", None, None),
            StatusCode::NOT_FOUND,
            "no_such_route",
        ),
        (
            request(Method::TRACE, "/api/v1/slaughterhouses", None, None),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            request(
                Method::DELETE,
                "/api/v1/slaughterhouses/00000000-0000-0000-0000-000000000000",
                t,
                None,
            ),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            request(
                Method::GET,
                "/api/v1/slaughterhouses/00000000-0000-0000-0000-000000000000",
                t,
                None,
            ),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (req, status, code) in cases {
        let r = app.send(req).await;
        assert_eq!(r.status, status, "{code}: {r:?}");
        assert_eq!(r.code(), code, "{r:?}");
        assert_eq!(
            r.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        assert!(
            !r.body["detail"].as_str().unwrap_or("").is_empty(),
            "Chinese detail"
        );
        assert!(
            !r.body["detail_en"].as_str().unwrap_or("").is_empty(),
            "English detail"
        );
        assert_eq!(r.body["status"], status.as_u16());
    }
}

/// Fill `{param}` segments of an OpenAPI path with a UUID.
fn fill_path(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                "00000000-0000-4000-8000-000000000001".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[actix_web::test]
async fn every_write_route_refuses_malformed_and_wrong_typed_bodies_without_a_500() {
    let app = TestApp::with_cast(EVERY_ROLE).await;
    let api = app.get("/api/openapi.json", None).await;
    let paths = api.body["paths"].as_object().expect("paths").clone();
    let bad_bodies: Vec<(&str, &str)> = vec![
        ("application/json", "{"),
        ("application/json", "[1,2,3]"),
        ("application/json", "\"text\""),
        ("application/json", "42"),
        (
            "application/json",
            "{\"username\": [], \"name\": {}, \"action\": 7, \"reason\": false}",
        ),
        ("application/json", "{\"unexpected_field\": 1}"),
        ("text/plain", "not json"),
    ];
    // Anonymous, and one account of every role.
    let mut tokens: Vec<Option<String>> = vec![None];
    let mut roles_seen = std::collections::HashSet::new();
    let mut accounts: Vec<&Account> = app.accounts.values().collect();
    accounts.sort_by(|a, b| a.username.cmp(&b.username));
    for a in accounts {
        if roles_seen.insert(a.role.clone()) {
            tokens.push(Some(a.token.clone()));
        }
    }
    assert_eq!(tokens.len(), 9);
    let service = actix_web::test::init_service(niuyang::app::build_app(app.state.clone())).await;
    let mut checked = 0;
    for (path, item) in &paths {
        for method in ["post", "put", "patch"] {
            if item.get(method).is_none() {
                continue;
            }
            let uri = fill_path(path);
            let has_body = item[method].get("requestBody").is_some();
            let mut body_refused = false;
            for token in &tokens {
                for (ctype, payload) in &bad_bodies {
                    let mut req = TestRequest::default()
                        .method(
                            Method::from_bytes(method.to_uppercase().as_bytes()).expect("method"),
                        )
                        .uri(&uri)
                        .insert_header(("content-type", *ctype))
                        .set_payload(payload.to_string());
                    if let Some(t) = token {
                        req = req.insert_header(("authorization", format!("Bearer {t}")));
                    }
                    let r =
                        read(actix_web::test::call_service(&service, req.to_request()).await).await;
                    assert!(
                        r.status.is_client_error(),
                        "{method} {path} with {payload:?} as {:?}: {r:?}",
                        token.as_ref().map(|_| "user")
                    );
                    if r.status == StatusCode::BAD_REQUEST
                        || r.status == StatusCode::UNSUPPORTED_MEDIA_TYPE
                    {
                        body_refused = true;
                    }
                    checked += 1;
                }
            }
            // Some role gets past authentication and sees the body itself refused (not only 401/403/404).
            if has_body {
                assert!(body_refused, "{method} {path}: no caller got a body error");
            }
        }
    }
    assert!(checked > 500, "only {checked} requests were checked");
}

/// Every `$ref` in the OpenAPI document points at a component the document has.
#[actix_web::test]
async fn every_reference_in_the_openapi_document_resolves() {
    let app = TestApp::empty();
    let api = app.get("/api/openapi.json", None).await;
    assert_eq!(api.status, StatusCode::OK);
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => refs(x, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&api.body, &mut all);
    assert!(!all.is_empty());
    let dangling: std::collections::BTreeSet<&String> = all
        .iter()
        .filter(|r| {
            let path = r.trim_start_matches("#/");
            path.split('/')
                .try_fold(&api.body, |v, part| v.get(part))
                .is_none()
        })
        .collect();
    assert!(dangling.is_empty(), "dangling references: {dangling:?}");
}

/// A route asked with a method it does not answer says so (405) and names the methods it does answer.
#[actix_web::test]
async fn a_route_asked_with_another_method_answers_405_with_allow() {
    let app = TestApp::empty();
    let r = app
        .send(request(
            Method::TRACE,
            "/api/v1/slaughterhouses",
            None,
            None,
        ))
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{r:?}");
    assert_eq!(r.code(), "method_not_allowed");
    let allow = r
        .headers
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    // A path that is no route at all stays 404.
    let r = app
        .send(request(Method::TRACE, "/api/v1/no/such/thing", None, None))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// Refusals speak in words: the field that is missing, an id that is not a UUID, a time without its offset;
/// never the parser's "at line 1 column 24".
#[actix_web::test]
async fn refusals_of_malformed_input_speak_in_words() {
    let app = TestApp::with_cast(&["sr.city"]).await;
    let missing = app
        .post("/api/v1/auth/login", None, json!({"username": "mr.city"}))
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{missing:?}");
    assert_eq!(
        missing.body["detail_en"],
        "the body is not acceptable: the field password is missing"
    );
    assert_eq!(missing.body["detail"], "请求内容有误：缺少字段 password");
    let sr = app.token("sr.city");
    let bad_id = app
        .get("/api/v1/slaughterhouses/not-a-uuid", Some(&sr))
        .await;
    assert_eq!(bad_id.status, StatusCode::BAD_REQUEST, "{bad_id:?}");
    assert!(
        bad_id.body["detail_en"]
            .as_str()
            .unwrap_or("")
            .contains("an id must be a UUID"),
        "{bad_id:?}"
    );
    let bad_query = app
        .get("/api/v1/slaughterhouses?district=atlantis", Some(&sr))
        .await;
    assert_eq!(bad_query.code(), "invalid_query");
    for r in [&missing, &bad_id, &bad_query] {
        let text = r.body.to_string();
        assert!(
            !text.contains("line 1") && !text.contains("deserialize"),
            "{text}"
        );
    }
}
