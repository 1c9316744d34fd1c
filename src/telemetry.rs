//! Structured logs: JSON lines on standard error, one span per request carrying its request id, method,
//! path (never the query string, which may carry codes or contact details) and outcome. Passwords, tokens
//! and personal data are never logged: handlers log ids only. Standard output is kept for what the operator
//! must read once (the first admin password, `demo` accounts).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

/// Install the global subscriber: JSON to standard error, filtered by `NIUYANG_LOG` (default `info`).
pub fn init() {
    let filter = EnvFilter::try_from_env("NIUYANG_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The request span: request id, method, path, status, and nothing from the query string or body.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|r| r.to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
            path = %request.path(),
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(res) => res.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        span.record("status", status);
        span.in_scope(|| {
            // An outage answers 503 to every request: it is logged once, where it is seen (`db::health`).
            if status >= 500 && status != 503 && status != 507 {
                tracing::error!(status, "request finished");
            } else {
                tracing::info!(status, "request finished");
            }
        });
    }
}
