//! The one error type of the service and how it reaches a client.
//!
//! Policy (after crates.io's errors module):
//! - outside requests (start-up, command line) errors are `anyhow::Error`;
//! - query functions return `diesel::QueryResult` and know nothing of HTTP;
//! - domain code and handlers return [`AppResult`]; a refusal is an [`AppError::Refused`]: a code of the one
//!   enum [`crate::refusal::Code`] (stable, machine-readable, with its text in Chinese and English) and its
//!   values. There is no free-form refusal: a code that is not in the enum does not compile;
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

use crate::refusal::{Code, Kind, Refusal};

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
    /// Each field's own refusal, when the refusal is about fields (a page shows each beside its field).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::refusal::FieldError>,
}

/// The service's one error type.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A refusal meant for the client: a code of [`crate::refusal::Code`] with its values and field errors.
    #[error("refused: {0}")]
    Refused(Box<Refusal>),
    /// A database error; mapped to a status by its kind.
    #[error("database error: {0}")]
    Database(#[from] DieselError),
    /// No connection could be had from the pool in time.
    #[error("connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// The database is down, missed the deadline, or is full (known without a diesel error).
    #[error("database {0:?}")]
    Unavailable(crate::db::fault::Fault),
    /// Anything else: logged with its cause chain, shown as a bare 500.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Refused(Box::new(r))
    }
}

impl From<Code> for AppError {
    fn from(c: Code) -> Self {
        Refusal::of(c).into()
    }
}

/// The HTTP status of each kind of refusal: the one place that picks it.
pub fn status_of(kind: Kind) -> StatusCode {
    match kind {
        Kind::BadRequest => StatusCode::BAD_REQUEST,
        Kind::Unauthenticated => StatusCode::UNAUTHORIZED,
        Kind::Forbidden => StatusCode::FORBIDDEN,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Kind::Conflict => StatusCode::CONFLICT,
        Kind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Kind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Kind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
        Kind::TooMany => StatusCode::TOO_MANY_REQUESTS,
        Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Kind::StorageFull => StatusCode::INSUFFICIENT_STORAGE,
        Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The problem document of a refusal.
fn problem_of(r: &Refusal) -> Problem {
    let status = status_of(r.code.kind());
    let (detail, detail_en) = r.detail();
    Problem {
        type_uri: format!("urn:niuyang:problem:{}", r.code.as_str()),
        title: title_for(status).to_string(),
        status: status.as_u16(),
        code: r.code.as_str().to_string(),
        detail,
        detail_en,
        retry_after: r.retry_after,
        errors: r.fields.clone(),
    }
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
    /// 404 for a record that does not exist or is out of the caller's scope (never tell them apart).
    pub fn not_found(what_zh: &str, what_en: &str) -> Self {
        Refusal::not_found(what_zh, what_en).into()
    }

    /// 403: the caller's role may not do this.
    pub fn forbidden() -> Self {
        Code::Forbidden.into()
    }

    /// An internal error with its cause chain, for the log only.
    pub fn internal_from(e: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(e.into())
    }

    /// Is this the database being unreachable, too slow or full (503/507), rather than a refusal or a bug?
    /// Background work waits and tries again on these without logging each try: the outage is logged once.
    pub fn is_unavailable(&self) -> bool {
        matches!(self.problem().status, 503 | 507)
    }

    /// The refusal's code, when this is a refusal.
    pub fn refusal_code(&self) -> Option<Code> {
        match self {
            AppError::Refused(r) => Some(r.code),
            _ => None,
        }
    }

    /// The machine code the client sees (for logs and tests).
    pub fn code(&self) -> String {
        self.problem().code
    }

    /// The problem document the client sees.
    pub fn problem(&self) -> Problem {
        match self {
            AppError::Refused(r) => problem_of(r),
            AppError::Database(DieselError::NotFound) => {
                problem_of(&Refusal::not_found("记录", "record"))
            }
            AppError::Database(e @ DieselError::DatabaseError(kind, info)) => match kind {
                DatabaseErrorKind::UniqueViolation => {
                    unique_conflict(info.message(), info.constraint_name()).problem()
                }
                DatabaseErrorKind::ForeignKeyViolation => {
                    problem_of(&Refusal::of(Code::UnknownReference))
                }
                DatabaseErrorKind::CheckViolation | DatabaseErrorKind::NotNullViolation => {
                    problem_of(&Refusal::of(Code::InvalidValue))
                }
                _ => Self::fault(crate::db::fault::classify(e)).problem(),
            },
            AppError::Database(e) => Self::fault(crate::db::fault::classify(e)).problem(),
            AppError::Pool(_) => Self::fault(crate::db::fault::Fault::Unavailable).problem(),
            AppError::Unavailable(f) => Self::fault(*f).problem(),
            AppError::Internal(_) => Self::internal().problem(),
        }
    }

    /// The answer for a database fault: 503 or 507 with `Retry-After`, or a bare 500.
    fn fault(fault: crate::db::fault::Fault) -> Self {
        use crate::db::fault::Fault;
        let (code, retry) = match fault {
            Fault::Unavailable => (Code::DatabaseUnavailable, 2),
            Fault::Timeout => (Code::DatabaseTimeout, 2),
            Fault::StorageFull => (Code::StorageFull, 30),
            Fault::Other => return Self::internal(),
        };
        Refusal::of(code).retry_after(retry).into()
    }

    fn internal() -> Self {
        Code::Internal.into()
    }
}

/// Unique keys that have a refusal of their own: `table.column` as SQLite names it, the constraint or index
/// name PostgreSQL reports, and the code.
const UNIQUE_KEYS: &[(&str, &str, Code)] = &[
    (
        "complaints.work_order_no",
        "complaints_work_order",
        Code::WorkOrderNoTaken,
    ),
    ("users.username", "users_username_key", Code::UsernameTaken),
];

/// A unique key clashed: the key's own refusal when it has one, otherwise `duplicate`, never the database's
/// wording (it names tables and values).
fn unique_conflict(message: &str, constraint: Option<&str>) -> AppError {
    UNIQUE_KEYS
        .iter()
        .find(|(key, name, _)| message.contains(key) || constraint == Some(*name))
        .map_or(Code::Duplicate, |(_, _, code)| *code)
        .into()
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::Error::new(e).context("the blocking task failed"))
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
    use crate::refusal::{Code, Refusal};
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
                Refusal::of(Code::PayloadTooLarge)
                    .with("kib", JSON_LIMIT / 1024)
                    .into()
            }
            JsonPayloadError::ContentType => Refusal::of(Code::UnsupportedContentType)
                .with(
                    "expected",
                    "请求内容须为 JSON（Content-Type: application/json）",
                )
                .with(
                    "expected_en",
                    "the body must be JSON (Content-Type: application/json)",
                )
                .into(),
            JsonPayloadError::Deserialize(e) => {
                let code = match e.classify() {
                    serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                        Code::MalformedJson
                    }
                    _ => Code::InvalidBody,
                };
                let (zh, en) = super::words::json(&e);
                Refusal::of(code)
                    .with("reason", zh)
                    .with("reason_en", en)
                    .into()
            }
            other => Refusal::of(Code::MalformedJson)
                .with("reason", other.to_string())
                .with("reason_en", other.to_string())
                .into(),
        }
    }

    /// Path segments (ids that are not UUIDs, say).
    pub fn path_config() -> web::PathConfig {
        web::PathConfig::default().error_handler(|err: PathError, _req| {
            let (zh, en) = super::words::value(&err.to_string());
            AppError::from(
                Refusal::of(Code::InvalidPath)
                    .with("reason", zh)
                    .with("reason_en", en),
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
                let refusal = match err {
                    UrlencodedError::Overflow { .. } => {
                        Refusal::of(Code::PayloadTooLarge).with("kib", FORM_LIMIT / 1024)
                    }
                    UrlencodedError::ContentType => Refusal::of(Code::UnsupportedContentType)
                        .with(
                            "expected",
                            "请通过网页表单提交（application/x-www-form-urlencoded）",
                        )
                        .with(
                            "expected_en",
                            "submit the page's form (application/x-www-form-urlencoded)",
                        ),
                    other => Refusal::of(Code::MalformedForm)
                        .with("reason", other.to_string())
                        .with("reason_en", other.to_string()),
                };
                AppError::from(refusal).into()
            })
    }

    /// Query strings.
    pub fn query_config() -> web::QueryConfig {
        web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
            let (zh, en) = super::words::value(&err.to_string());
            AppError::from(
                Refusal::of(Code::InvalidQuery)
                    .with("reason", zh)
                    .with("reason_en", en),
            )
            .into()
        })
    }
}
