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

/// Reads `T` from JSON bytes, or the refusal. A whole number written with a fraction of zero (`221893.0`)
/// is the integer JSON Schema says it is, in every integer field.
pub fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Refusal> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(e) if e.inner().to_string().contains("floating point") => {
            return read_whole_floats(bytes).ok_or_else(|| refusal(&e));
        }
        Err(e) => return Err(refusal(&e)),
    };
    de.end().map_err(|e| {
        let (zh, en) = crate::error::words::json(&e);
        Refusal::of(Code::MalformedJson)
            .with("reason", zh)
            .with("reason_en", en)
    })?;
    Ok(value)
}

/// `T` from the body with every integral float (`3.0`, within `i64`) read as an integer; `None` when that
/// does not read either (the first refusal stands).
fn read_whole_floats<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    fn whole(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Number(n) if n.is_f64() => {
                if let Some(f) = n.as_f64() {
                    // Exactly integral and inside i64 (2^63 is not: the bound is exclusive).
                    if f.fract() == 0.0
                        && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
                    {
                        *v = serde_json::Value::from(f as i64);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(whole),
            serde_json::Value::Object(m) => m.values_mut().for_each(whole),
            _ => {}
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    whole(&mut value);
    serde_json::from_value(value).ok()
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
