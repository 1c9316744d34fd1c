//! The middleware that counts and times every request by method, route pattern and status.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

use super::RequestLabels;
use crate::state::AppState;

/// The label of a route that matched nothing.
pub const UNMATCHED: &str = "unmatched";

/// A bounded method label.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Count and time the request (`actix_web::middleware::from_fn`).
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone());
    let method = method_label(req.method());
    // The pattern from the application's route map (the path of an unknown route matches none).
    let route = req
        .request()
        .match_pattern()
        .unwrap_or_else(|| UNMATCHED.to_string());
    let started = Instant::now();
    let res = next.call(req).await;
    if let Some(metrics) = metrics {
        let status = match &res {
            Ok(r) => r.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        metrics.observe(
            RequestLabels {
                method,
                route,
                status,
            },
            started.elapsed(),
        );
    }
    res
}
