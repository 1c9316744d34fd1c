//! JSON request bodies, read once at the edge.
//!
//! [`Json`] replaces actix-web's extractor of the same name: it refuses a body that is not JSON, too large,
//! malformed, or has a value its type refuses (the types of `crate::input` check bounds, lengths and
//! characters while they are read), and names the field by its path (`lines[2].weight_g`) in words. As a
//! responder it is actix-web's.

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, Responder};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::extract::{not_json, too_large};
use crate::error::AppError;
use crate::refusal::{Code, Refusal};

/// Largest JSON body accepted (bytes).
pub const JSON_LIMIT: usize = crate::error::extract::JSON_LIMIT;

/// A JSON body (as an extractor) or a JSON answer (as a responder).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Serialize> Responder for Json<T> {
    type Body = <web::Json<T> as Responder>::Body;
    fn respond_to(self, req: &HttpRequest) -> HttpResponse<Self::Body> {
        web::Json(self.0).respond_to(req)
    }
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(Ok(ct)) = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .map(|v| v.to_str())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The refusal for a body that did not read as `T`.
pub fn refusal(e: &serde_path_to_error::Error<serde_json::Error>) -> Refusal {
    use serde_json::error::Category;
    let path = e.path().to_string();
    let field = if path == "." { None } else { Some(path) };
    let inner = e.inner();
    if let Some(r) = crate::input::from_message(&inner.to_string()) {
        return match field {
            Some(f) => r.with("field", f.clone()).at(f),
            None => r,
        };
    }
    let (zh, en) = crate::error::words::json(inner);
    let code = match inner.classify() {
        Category::Syntax | Category::Eof | Category::Io => Code::MalformedJson,
        Category::Data => Code::InvalidBody,
    };
    let r = Refusal::of(code).with("reason", &zh).with("reason_en", &en);
    match (code, field) {
        (Code::InvalidBody, Some(f)) => {
            let r = Refusal::of(code)
                .with("reason", format!("{f}：{zh}"))
                .with("reason_en", format!("{f}: {en}"));
            r.at(f)
        }
        _ => r,
    }
}

/// Reads `T` from JSON bytes, or the refusal.
pub fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Refusal> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| refusal(&e))?;
    de.end().map_err(|e| {
        let (zh, en) = crate::error::words::json(&e);
        Refusal::of(Code::MalformedJson)
            .with("reason", zh)
            .with("reason_en", en)
    })?;
    Ok(value)
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let too_long = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n > JSON_LIMIT);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if too_long {
                return Err(too_large().into());
            }
            if !json {
                return Err(not_json().into());
            }
            let bytes = body.await.map_err(|e| {
                if matches!(e.as_error::<PayloadError>(), Some(PayloadError::Overflow)) {
                    too_large()
                } else {
                    Refusal::of(Code::MalformedJson)
                        .with("reason", "无法读取请求内容")
                        .with("reason_en", "the body could not be read")
                        .into()
                }
            })?;
            if bytes.len() > JSON_LIMIT {
                return Err(too_large().into());
            }
            read(&bytes).map(Json).map_err(|r| AppError::from(r).into())
        })
    }
}
