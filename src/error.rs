//! The one error type of the service and how it reaches a client.
//!
//! Policy (after crates.io's errors module):
//! - outside requests (start-up, command line) errors are `anyhow::Error`;
//! - query functions return `diesel::QueryResult` and know nothing of HTTP;
//! - domain code and handlers return [`AppResult`]; a refusal is an [`AppError::Problem`] with a stable
//!   machine-readable `code` and a message in Chinese and English;
//! - every error reaches the client as `application/problem+json` (RFC 9457). diesel's `NotFound` becomes 404,
//!   a unique-key clash 409; a database that cannot be reached (no connection in time, a dead connection, an
//!   outage) 503 `database_unavailable`, one that misses the deadline 503 `database_timeout`, one with no
//!   room left to write 507 `storage_full`, each with `Retry-After` (`crate::db::fault` tells them apart).
//!   Anything else is an internal error: logged with the request id and its cause chain, never shown.
//!   Only internal errors are logged as errors; an outage is logged once, by `crate::db::health`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

/// Result of domain code and handlers.
pub type AppResult<T> = Result<T, AppError>;

/// A refusal or failure as the client sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:niuyang:problem:{code}`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short title in Chinese.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Stable machine-readable code, e.g. `invalid_uscc`.
    pub code: String,
    /// What went wrong, in Chinese.
    pub detail: String,
    /// What went wrong, in English.
    pub detail_en: String,
    /// Seconds to wait before trying again (429, 503 and 507).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// The service's one error type.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A refusal meant for the client.
    #[error("{} ({}): {}", .0.code, .0.status, .0.detail_en)]
    Problem(Box<Problem>),
    /// A database error; mapped to a status by its kind.
    #[error("database error: {0}")]
    Database(#[from] DieselError),
    /// No connection could be had from the pool in time.
    #[error("connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// The database is down, missed the deadline, or is full (known without a diesel error).
    #[error("database {0:?}")]
    Unavailable(crate::db::Fault),
    /// Anything else: logged, shown as a bare 500.
    #[error("internal error: {0}")]
    Internal(String),
}

fn title_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "请求有误",
        401 => "未登录或登录已失效",
        403 => "无权操作",
        404 => "未找到",
        405 => "不支持的请求方法",
        409 => "与现有记录冲突",
        413 => "请求内容过大",
        415 => "不支持的内容类型",
        422 => "数据不符合规则",
        429 => "请求过于频繁",
        503 => "服务暂不可用",
        507 => "存储空间不足",
        _ => "服务器内部错误",
    }
}

impl AppError {
    /// A refusal with its status, stable code and message in both languages.
    pub fn new(
        status: StatusCode,
        code: &str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        AppError::Problem(Box::new(Problem {
            type_uri: format!("urn:niuyang:problem:{code}"),
            title: title_for(status).to_string(),
            status: status.as_u16(),
            code: code.to_string(),
            detail: zh.into(),
            detail_en: en.into(),
            retry_after: None,
        }))
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, zh, en)
    }

    /// 422: well-formed, but breaks a rule.
    pub fn unprocessable(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, zh, en)
    }

    /// 409: clashes with a record that exists.
    pub fn conflict(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, zh, en)
    }

    /// 404 for a record that does not exist or is out of the caller's scope (never tell them apart).
    pub fn not_found(what_zh: &str, what_en: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what_zh}不存在或不在您的权限范围内"),
            format!("{what_en} not found or not in your scope"),
        )
    }

    /// 401: no valid credentials.
    pub fn unauthenticated(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, zh, en)
    }

    /// 403: the caller's role may not do this.
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "您的角色无权执行此操作",
            "your role may not do this",
        )
    }

    /// 429 with the seconds to wait.
    pub fn too_many(
        code: &str,
        retry_after: u64,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, code, zh, en);
        if let AppError::Problem(p) = &mut e {
            p.retry_after = Some(retry_after.max(1));
        }
        e
    }

    /// Is this the database being unreachable, too slow or full (503/507), rather than a refusal or a bug?
    /// Background work waits and tries again on these without logging each try: the outage is logged once.
    pub fn is_unavailable(&self) -> bool {
        matches!(self.problem().status, 503 | 507)
    }

    /// The machine code the client sees (for logs and tests).
    pub fn code(&self) -> String {
        self.problem().code
    }

    /// The problem document the client sees.
    pub fn problem(&self) -> Problem {
        match self {
            AppError::Problem(p) => (**p).clone(),
            AppError::Database(DieselError::NotFound) => {
                Self::not_found("记录", "record").problem()
            }
            AppError::Database(e @ DieselError::DatabaseError(kind, info)) => match kind {
                DatabaseErrorKind::UniqueViolation => {
                    unique_conflict(info.message(), info.constraint_name()).problem()
                }
                DatabaseErrorKind::ForeignKeyViolation => Self::unprocessable(
                    "unknown_reference",
                    "引用的记录不存在",
                    "a referenced record does not exist",
                )
                .problem(),
                DatabaseErrorKind::CheckViolation | DatabaseErrorKind::NotNullViolation => {
                    Self::unprocessable(
                        "invalid_value",
                        "数据不符合约束",
                        "a value breaks a constraint",
                    )
                    .problem()
                }
                _ => Self::fault(crate::db::fault::classify(e)).problem(),
            },
            AppError::Database(e) => Self::fault(crate::db::fault::classify(e)).problem(),
            AppError::Pool(_) => Self::fault(crate::db::Fault::Unavailable).problem(),
            AppError::Unavailable(f) => Self::fault(*f).problem(),
            AppError::Internal(_) => Self::internal().problem(),
        }
    }

    /// The answer for a database fault: 503 or 507 with `Retry-After`, or a bare 500.
    fn fault(fault: crate::db::Fault) -> Self {
        use crate::db::Fault;
        let (status, code, zh, en, retry) = match fault {
            Fault::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "数据库暂时不可用，请稍后再试",
                "the database is unavailable; try again shortly",
                2,
            ),
            Fault::Timeout => (
                StatusCode::SERVICE_UNAVAILABLE,
                "database_timeout",
                "数据库未能在时限内响应，请稍后用同一 Idempotency-Key 重试",
                "the database did not answer in time; retry shortly (with the same Idempotency-Key for a write)",
                2,
            ),
            Fault::StorageFull => (
                StatusCode::INSUFFICIENT_STORAGE,
                "storage_full",
                "存储空间已满，本次写入未保存，请稍后再试",
                "the database has no room left; nothing was saved; try again later",
                30,
            ),
            Fault::Other => return Self::internal(),
        };
        let mut e = Self::new(status, code, zh, en);
        if let AppError::Problem(p) = &mut e {
            p.retry_after = Some(retry);
        }
        e
    }

    fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误，已记录，请稍后再试",
            "internal error; it has been logged",
        )
    }
}

/// Unique keys that have a refusal of their own: `table.column` as SQLite names it, the constraint or index
/// name PostgreSQL reports, code, Chinese, English.
const UNIQUE_KEYS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "complaints.work_order_no",
        "complaints_work_order",
        "work_order_no_taken",
        "该 12345 工单号已录入过",
        "this 12345 work-order number has been entered already",
    ),
    (
        "users.username",
        "users_username_key",
        "username_taken",
        "该用户名已被使用",
        "this username is taken",
    ),
];

/// A unique key clashed: the key's own refusal when it has one, otherwise `duplicate`, never the database's
/// wording (it names tables and values).
fn unique_conflict(message: &str, constraint: Option<&str>) -> AppError {
    let found = UNIQUE_KEYS
        .iter()
        .find(|(key, name, ..)| message.contains(key) || constraint == Some(*name));
    match found {
        Some((_, _, code, zh, en)) => AppError::conflict(code, *zh, *en),
        None => AppError::conflict(
            "duplicate",
            "已存在相同的记录（编号或名称重复）",
            "a record with the same number or name exists",
        ),
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(format!("the blocking task failed: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.problem().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let problem = self.problem();
        if problem.status == 500 {
            tracing::error!(error = %self, "request failed");
        } else if problem.status >= 500 {
            tracing::debug!(error = %self, "request refused: database unavailable");
        }
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Some(secs) = problem.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        res.body(serde_json::to_string(&problem).unwrap_or_default())
    }
}

/// What the parsers say, in words a client can act on (never "at line 1 column 24" or a crate's wording).
pub mod words {
    /// A JSON body that could not be read: Chinese and English.
    pub fn json(e: &serde_json::Error) -> (String, String) {
        use serde_json::error::Category;
        let at = format!("（第 {} 行第 {} 列附近）", e.line(), e.column());
        let at_en = format!(" (near line {}, column {})", e.line(), e.column());
        match e.classify() {
            Category::Eof => (
                format!("请求内容不完整，JSON 提前结束{at}"),
                format!("the body ends before its JSON does{at_en}"),
            ),
            Category::Syntax | Category::Io => (
                format!("请求内容不是合法的 JSON{at}"),
                format!("the body is not valid JSON{at_en}"),
            ),
            Category::Data => value(&e.to_string()),
        }
    }

    /// A value that did not fit its field (body, path or query), from the deserializer's message.
    pub fn value(message: &str) -> (String, String) {
        let m = message
            .split(" at line ")
            .next()
            .unwrap_or(message)
            .trim_start_matches("Path deserialize error: ")
            .trim_start_matches("Query deserialize error: ")
            .trim();
        let quoted = |m: &str| m.split('`').nth(1).map(str::to_string);
        if let Some(field) = m.strip_prefix("missing field").and_then(|_| quoted(m)) {
            return (
                format!("缺少字段 {field}"),
                format!("the field {field} is missing"),
            );
        }
        if let Some(field) = m.strip_prefix("unknown field").and_then(|_| quoted(m)) {
            return (
                format!("没有字段 {field}"),
                format!("there is no field {field}"),
            );
        }
        if let Some(field) = m.strip_prefix("duplicate field").and_then(|_| quoted(m)) {
            return (
                format!("字段 {field} 出现了两次"),
                format!("the field {field} is given twice"),
            );
        }
        if m.contains("UUID parsing failed") || m.contains("urn:uuid") {
            return (
                "编号须为 UUID（如 3f2b8c1e-5a7d-4e21-9c0b-6d8e2f1a4b57）".into(),
                "an id must be a UUID (e.g. 3f2b8c1e-5a7d-4e21-9c0b-6d8e2f1a4b57)".into(),
            );
        }
        let chrono = [
            "premature end of input",
            "input contains invalid characters",
            "input is out of range",
            "trailing input",
            "input is not enough for unique date and time",
            "no possible date and time matching input",
            "bad or unsupported format string",
        ];
        if chrono.iter().any(|c| m.contains(c)) {
            return (
                "日期或时间格式有误：日期如 2026-12-01，时间须带时区，如 2026-12-01T08:00:00+08:00"
                    .into(),
                "a date or time is malformed: dates like 2026-12-01, times with their offset like \
                 2026-12-01T08:00:00+08:00"
                    .into(),
            );
        }
        if let Some(rest) = m.strip_prefix("invalid type: ") {
            let expected = rest.split(", expected ").nth(1).unwrap_or("another type");
            if expected.starts_with("struct ") || expected.starts_with("a map") {
                return (
                    "请求内容须为 JSON 对象".into(),
                    "the body must be a JSON object".into(),
                );
            }
            return (
                format!("有字段的类型不对，应为 {expected}"),
                format!("a field has the wrong type: expected {expected}"),
            );
        }
        if let Some(rest) = m.strip_prefix("unknown variant ") {
            let given = rest.split('`').nth(1).unwrap_or("").to_string();
            let allowed = rest
                .split("expected ")
                .nth(1)
                .unwrap_or("")
                .trim_start_matches("one of ")
                .replace('`', "");
            return (
                format!("取值 {given} 不在可选范围内：{allowed}"),
                format!("the value {given} is not one of {allowed}"),
            );
        }
        (format!("字段有误：{m}"), m.to_string())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn parser_messages_become_words() {
            let e = serde_json::from_str::<std::collections::BTreeMap<String, u8>>("{\"a\": ")
                .unwrap_err();
            assert!(json(&e).1.starts_with("the body ends before its JSON does"));
            assert_eq!(
                value("missing field `password` at line 1 column 24").1,
                "the field password is missing"
            );
            assert_eq!(
                value(
                    "unknown field `pasword`, expected `username` or `password` at line 1 column 9"
                )
                .1,
                "there is no field pasword"
            );
            assert!(
                value("Path deserialize error: UUID parsing failed: invalid character")
                    .1
                    .starts_with("an id must be a UUID")
            );
            assert!(value("premature end of input at line 1 column 228")
                .1
                .contains("with their offset"));
            assert_eq!(
                value(
                    "invalid type: integer `42`, expected struct LoginRequest at line 1 column 2"
                )
                .1,
                "the body must be a JSON object"
            );
            assert!(!value("invalid value: 3, expected 2 at line 1 column 24")
                .1
                .contains("line 1"));
        }
    }
}

/// Extractor failures (bad JSON, bad path, bad query) go through the same error type.
pub mod extract {
    use super::AppError;
    use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
    use actix_web::{web, HttpRequest};

    /// Largest JSON body accepted (bytes).
    pub const JSON_LIMIT: usize = 256 * 1024;

    /// JSON bodies: size limit, content type, syntax, unknown fields, wrong types, missing fields.
    pub fn json_config() -> web::JsonConfig {
        web::JsonConfig::default()
            .limit(JSON_LIMIT)
            .error_handler(|err, _req: &HttpRequest| json_error(err).into())
    }

    fn json_error(err: JsonPayloadError) -> AppError {
        match err {
            JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
                AppError::new(
                    actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    format!("请求内容超过 {} KiB 上限", JSON_LIMIT / 1024),
                    format!("the body is larger than {} KiB", JSON_LIMIT / 1024),
                )
            }
            JsonPayloadError::ContentType => AppError::new(
                actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_content_type",
                "请求内容须为 JSON（Content-Type: application/json）",
                "the body must be JSON (Content-Type: application/json)",
            ),
            JsonPayloadError::Deserialize(e) => {
                let code = match e.classify() {
                    serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                        "malformed_json"
                    }
                    _ => "invalid_body",
                };
                let (zh, en) = super::words::json(&e);
                AppError::bad_request(code, zh, en)
            }
            other => AppError::bad_request(
                "malformed_json",
                format!("无法读取请求内容：{other}"),
                format!("could not read the body: {other}"),
            ),
        }
    }

    /// Path segments (ids that are not UUIDs, say).
    pub fn path_config() -> web::PathConfig {
        web::PathConfig::default().error_handler(|err: PathError, _req| {
            let (zh, en) = super::words::value(&err.to_string());
            AppError::bad_request(
                "invalid_path",
                format!("路径参数有误：{zh}"),
                format!("invalid path parameter: {en}"),
            )
            .into()
        })
    }

    /// Largest form body accepted (bytes): the complaint form with its longest answers fits many times over.
    pub const FORM_LIMIT: usize = 64 * 1024;

    /// Form bodies (the public pages): size limit, content type, syntax.
    pub fn form_config() -> web::FormConfig {
        web::FormConfig::default()
            .limit(FORM_LIMIT)
            .error_handler(|err, _req: &HttpRequest| {
                use actix_web::error::UrlencodedError;
                match err {
                    UrlencodedError::Overflow { .. } => AppError::new(
                        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!("提交内容超过 {} KiB 上限", FORM_LIMIT / 1024),
                        format!("the form is larger than {} KiB", FORM_LIMIT / 1024),
                    ),
                    UrlencodedError::ContentType => AppError::new(
                        actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_content_type",
                        "请通过网页表单提交（application/x-www-form-urlencoded）",
                        "submit the page's form (application/x-www-form-urlencoded)",
                    ),
                    other => AppError::bad_request(
                        "malformed_form",
                        format!("无法读取提交内容：{other}"),
                        format!("could not read the form: {other}"),
                    ),
                }
                .into()
            })
    }

    /// Query strings.
    pub fn query_config() -> web::QueryConfig {
        web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
            let (zh, en) = super::words::value(&err.to_string());
            AppError::bad_request(
                "invalid_query",
                format!("查询参数有误：{zh}"),
                format!("invalid query parameter: {en}"),
            )
            .into()
        })
    }
}
