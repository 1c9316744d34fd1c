//! The OpenAPI document as a truthful contract. Every operation lists the statuses it can refuse with, each an `application/problem+json` body (`Problem`), as the extractors, the `Actor` check
//! and `error::status_of` answer them; then the constraints the service enforces on what it reads
//! (`openapi_constraints.rs`).

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{
    Content, OpenApi, PathItem, Ref, RefOr, Response, ResponseBuilder, Responses,
};
use utoipa::Modify;

/// The media type of every refusal.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Adds to every operation the problem responses it can give; applied once the routes are in the document.
pub struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_id = path.contains('{');
            for (op, write) in operations(item) {
                complete(path, op, has_id, write);
            }
        }
    }
}

/// Each operation of a path, and whether it writes.
fn operations(item: &mut PathItem) -> impl Iterator<Item = (&mut Operation, bool)> {
    [
        (item.get.as_mut(), false),
        (item.put.as_mut(), true),
        (item.post.as_mut(), true),
        (item.delete.as_mut(), true),
        (item.patch.as_mut(), true),
        (item.head.as_mut(), false),
        (item.options.as_mut(), false),
    ]
    .into_iter()
    .filter_map(|(op, write)| op.map(|op| (op, write)))
}

/// What each status means when the operation does not say it itself.
fn generic(status: u16) -> &'static str {
    match status {
        400 => "请求有误 The path, query or body is malformed (invalid_path, invalid_query, malformed_json, …)",
        401 => "未登录或登录已失效 No token, or one that is expired or invalid (unauthenticated)",
        403 => "无权操作 The caller's role may not do this, or the password must be changed first (forbidden)",
        404 => "未找到 No such record within the caller's scope (not_found)",
        409 => "与现有记录冲突 Conflict with a record, or an idempotency key reused",
        413 => "请求内容过大 The body is over 256 KiB (payload_too_large)",
        415 => "不支持的内容类型 The body is not of the documented media type (unsupported_media_type)",
        422 => "数据不符合规则 A value or a rule of the notice refuses the request",
        429 => "请求过于频繁 Too many requests from this client; see Retry-After",
        503 => "服务暂不可用 The database is unavailable or missed its deadline; see Retry-After",
        507 => "存储空间不足 The database's storage is full",
        _ => "Problem",
    }
}

/// Operations a per-client limit guards (429), by path.
fn rate_limited(path: &str, op: &Operation) -> bool {
    path == "/api/v1/auth/login"
        || path.starts_with("/api/v1/verify/")
        || path.starts_with("/t/")
        || path.starts_with("/01/")
        || (path.starts_with("/complaints") && op.request_body.is_some())
        || (path == "/api/v1/complaints" && op.request_body.is_some())
}

fn complete(path: &str, op: &mut Operation, has_id: bool, write: bool) {
    let secured = op
        .security
        .as_ref()
        .is_some_and(|s| !s.is_empty() && path != "/api/v1/auth/login");
    let has_query = op
        .parameters
        .as_ref()
        .is_some_and(|ps| ps.iter().any(|p| p.parameter_in == ParameterIn::Query));
    let has_body = op.request_body.is_some();
    let mut wanted: Vec<u16> = vec![503];
    if has_id || has_query || has_body {
        wanted.push(400);
    }
    if secured {
        wanted.extend([401, 403]);
    }
    // A record named by the path, or by an id in the body, outside the caller's scope or missing.
    if has_id || has_body {
        wanted.push(404);
    }
    if has_body {
        wanted.extend([413, 415]);
    }
    // Every write may break a rule (422) and needs room (507).
    if has_body || write {
        wanted.extend([422, 507]);
    }
    if rate_limited(path, op) {
        wanted.push(429);
    }
    let page = is_page(op);
    let responses = &mut op.responses;
    for status in wanted {
        add(responses, status);
    }
    for (status, response) in responses.responses.iter_mut() {
        if status.starts_with('4') || status.starts_with('5') {
            as_problem(response, page);
        }
    }
}

/// A page answers HTML, its refusals included (shown on the page); the extractors still answer problem+json.
fn is_page(op: &Operation) -> bool {
    op.responses.responses.iter().any(|(status, r)| {
        status.starts_with('2')
            && matches!(r, RefOr::T(r) if r.content.keys().any(|k| k.starts_with("text/html")))
    })
}

fn add(responses: &mut Responses, status: u16) {
    let key = status.to_string();
    if responses.responses.contains_key(&key) {
        return;
    }
    let response = ResponseBuilder::new()
        .description(generic(status))
        .content(PROBLEM_JSON, problem_content())
        .build();
    responses.responses.insert(key, RefOr::T(response));
}

fn problem_content() -> Content {
    Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
}

/// A refusal documented as `application/json` (or with no body) is `application/problem+json`, as served;
/// a page's refusal may also be the page itself (`text/html`).
fn as_problem(response: &mut RefOr<Response>, page: bool) {
    let RefOr::T(r) = response else {
        return;
    };
    let content = r
        .content
        .shift_remove("application/json")
        .unwrap_or_else(problem_content);
    if !r.content.contains_key(PROBLEM_JSON) {
        r.content.insert(PROBLEM_JSON.to_string(), content);
    }
    if page && !r.content.keys().any(|k| k.starts_with("text/html")) {
        r.content.insert(
            "text/html".to_string(),
            Content::new(Some(RefOr::T(utoipa::openapi::schema::Schema::Object(
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .build(),
            )))),
        );
    }
}

/// The document as served: the routes' own descriptions, the problem responses, the request constraints.
pub fn finish(mut api: OpenApi) -> OpenApi {
    ProblemResponses.modify(&mut api);
    crate::openapi_constraints::apply(api)
}
