//! Liveness and readiness. Liveness never touches the database; readiness answers within its own short
//! deadline (at most 2 s), at once while an outage is known, and reports a database that is full.

use actix_web::{get, web, HttpResponse};

use crate::db::Readiness;
use crate::state::AppState;

/// The process is up.
#[utoipa::path(tag = "health", responses((status = 200, description = "alive")))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The database answers and can take writes.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "ready"),
        (status = 503, description = "database unavailable, too slow, or full (`database`: unavailable, timeout or storage_full)")
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    match state.db.readiness().await {
        Readiness::Ready => HttpResponse::Ok()
            .json(serde_json::json!({"status": "ok", "database": "ok", "storage": "ok"})),
        other => HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "2"))
            .json(serde_json::json!({
                "status": "unavailable",
                "database": other,
                "storage": if other == Readiness::StorageFull { "full" } else { "unknown" },
            })),
    }
}
