//! `GET /metrics`: on the main port when `NIUYANG_METRICS_TOKEN` is set (and then only with that bearer
//! secret), and on the address `NIUYANG_METRICS_BIND` names, a small server of its own (which asks for the
//! secret too when one is set).

use actix_web::http::header;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

use crate::error::AppError;
use crate::state::AppState;

/// Does the request carry the bearer secret? Compared in constant time.
fn authorized(req: &HttpRequest, token: &str) -> bool {
    use subtle::ConstantTimeEq;
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    bool::from(given.as_bytes().ct_eq(token.as_bytes()))
}

fn refused() -> AppError {
    crate::refusal::Code::Unauthenticated.into()
}

async fn render(state: &AppState) -> Result<HttpResponse, AppError> {
    state.metrics.refresh(&state.db).await;
    let body = state
        .metrics
        .encode()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("encoding the metrics failed: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type(prometheus_client::encoding::prometheus_text::CONTENT_TYPE)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// `/metrics` on the main port: not there unless a secret is set, and refused without it.
pub async fn scrape_main(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    match state.metrics.token() {
        None => Err(
            crate::refusal::Refusal::of(crate::refusal::Code::NoSuchRoute)
                .with("method", req.method())
                .with("path", req.path())
                .into(),
        ),
        Some(t) if !authorized(&req, t) => Err(refused()),
        Some(_) => render(&state).await,
    }
}

/// `/metrics` on the metrics address: the address is the protection; the secret is asked for too if set.
async fn scrape_dedicated(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if let Some(t) = state.metrics.token() {
        if !authorized(&req, t) {
            return Err(refused());
        }
    }
    render(&state).await
}

/// The metrics server on `bind`: one worker, no signal handling of its own (the main server's shutdown
/// stops it).
pub fn server(state: web::Data<AppState>, bind: &str) -> std::io::Result<actix_web::dev::Server> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/metrics", web::get().to(scrape_dedicated))
    })
    .workers(1)
    .disable_signals()
    .bind(bind)?;
    for addr in server.addrs() {
        tracing::info!(%addr, "metrics listening");
    }
    Ok(server.run())
}
