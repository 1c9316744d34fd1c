//! Building the application: shared state, the actix `App` with its routes, OpenAPI document and
//! interactive docs, and the HTTP server. Tests build the same `App` in-process with [`build_app`].

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::Auth;
use crate::config::{DatabaseSettings, RuleSettings, ServeSettings};
use crate::error::{extract, AppError};
use crate::refusal::{Code, Refusal};

pub use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Niuyang 牛羊定点屠宰追溯服务",
        description = "Traceability service for Guangzhou's cattle and sheep designated-slaughter rule \
                       (穗府规〔2018〕8号). Errors are application/problem+json with a stable `code` and \
                       messages in Chinese (`detail`) and English (`detail_en`).",
        version = env!("CARGO_PKG_VERSION"),
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "登录与账户 Login and own account"),
        (name = "organisations", description = "机构 Organisations"),
        (name = "users", description = "用户 Accounts"),
        (name = "slaughterhouses", description = "定点屠宰厂名录 Slaughterhouse registry"),
        (name = "credit", description = "信用档案 Credit files"),
        (name = "slaughter chain", description = "屠宰环节 Intake, batches, certificates, lots, disposal, fees"),
        (name = "circulation", description = "流通环节 Buyers, shipments, purchase ledgers, recalls"),
        (name = "recalls", description = "召回 Recalls of lots, batches and animal certificates; holders' notices"),
        (name = "complaints", description = "12345 举报投诉 Complaints"),
        (name = "trace", description = "追溯 Trace backward and forward, as a graph or a picture"),
        (name = "violations", description = "违法违规 Violations"),
        (name = "audit", description = "审计 Audit trail"),
        (name = "epcis", description = "GS1 EPCIS 2.0 导出 EPCIS 2.0 export"),
        (name = "public", description = "公众查询 Public reads"),
        (name = "health", description = "健康检查 Health"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Every route of the OpenAPI document: its path split into segments (`None` for a `{parameter}`) and the
/// methods it answers, upper case.
type RouteTable = Vec<(Vec<Option<String>>, Vec<String>)>;

fn route_table() -> &'static RouteTable {
    static TABLE: std::sync::OnceLock<RouteTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let doc = serde_json::to_value(openapi_document()).unwrap_or_default();
        let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) else {
            return Vec::new();
        };
        paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
                    .collect();
                let methods = item
                    .as_object()
                    .map(|m| m.keys().map(|k| k.to_uppercase()).collect())
                    .unwrap_or_default();
                (segments, methods)
            })
            .collect()
    })
}

/// The methods a path answers to, when it is a route of the service.
fn methods_of(path: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut found: Vec<String> = route_table()
        .iter()
        .filter(|(segments, _)| {
            segments.len() == parts.len()
                && segments
                    .iter()
                    .zip(&parts)
                    .all(|(s, p)| s.as_deref().is_none_or(|s| s == *p) && !p.is_empty())
        })
        .flat_map(|(_, methods)| methods.iter().cloned())
        .collect();
    found.sort();
    found.dedup();
    (!found.is_empty()).then_some(found)
}

/// No route answers: 405 with `Allow` when the path is a route of the service under another method (TRACE,
/// say), otherwise 404.
async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    if let Some(allowed) = methods_of(req.path()) {
        let e = AppError::from(
            Refusal::of(Code::MethodNotAllowed)
                .with("path", req.path())
                .with("method", req.method())
                .with("allowed", allowed.join(", ")),
        );
        let mut res = actix_web::ResponseError::error_response(&e);
        if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&allowed.join(", ")) {
            res.headers_mut().insert(actix_web::http::header::ALLOW, v);
        }
        return Ok(res);
    }
    Err(no_such_route(&req))
}

/// 404 `no_such_route` for a request no route answers.
pub fn no_such_route(req: &HttpRequest) -> AppError {
    Refusal::of(Code::NoSuchRoute)
        .with("method", req.method())
        .with("path", req.path())
        .into()
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::Found()
        .insert_header(("Location", "/api/docs/"))
        .finish()
}

/// The application with every route, ready for `HttpServer` or `actix_web::test::init_service`.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .app_data(state)
        .app_data(extract::json_config())
        .app_data(extract::path_config())
        .app_data(extract::query_config())
        .app_data(extract::form_config())
        .configure(crate::routes::top_level)
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::routes::api_v1))
        .split_for_parts();
    let api = crate::openapi::finish(api);
    app.service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", api))
        .route("/api/docs", web::get().to(docs_redirect))
        .route(
            "/metrics",
            web::get().to(crate::metrics::endpoint::scrape_main),
        )
        .default_service(web::to(not_found))
        .wrap(actix_web::middleware::from_fn(
            crate::metrics::requests::record,
        ))
        .wrap(tracing_actix_web::TracingLogger::<
            crate::telemetry::RequestSpan,
        >::new())
}

/// The OpenAPI document as the service serves it.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::top_level)
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::routes::api_v1))
        .split_for_parts();
    crate::openapi::finish(api)
}

/// Connect, migrate, make sure the admin account exists, and build the shared state.
pub fn prepare(
    db_settings: &DatabaseSettings,
    serve: &ServeSettings,
    rules: &RuleSettings,
) -> anyhow::Result<web::Data<AppState>> {
    let db = crate::bootstrap::open_db(db_settings)?;
    if serve.auth.jwt_secret.is_none() {
        // The key's folder, when the service makes it, is owner-only like the key.
        crate::private_files::create_private_dir(&db_settings.data_dir)?;
    }
    let secret = crate::auth::token::load_or_create_secret(
        serve.auth.jwt_secret.as_deref(),
        &db_settings.data_dir,
    )?;
    crate::bootstrap::ensure_admin(&db, serve.auth.admin_password.as_deref())?;
    if let Some(t) = &serve.metrics_token {
        anyhow::ensure!(
            t.len() >= 16,
            "NIUYANG_METRICS_TOKEN must be at least 16 bytes long"
        );
    }
    Ok(web::Data::new(AppState {
        db,
        auth: Auth::new(serve.auth.clone(), &secret),
        rules: Arc::new(rules.clone()),
        verify_cache: Arc::default(),
        verify_counter: Arc::default(),
        metrics: Arc::new(crate::metrics::Metrics::new(serve.metrics_token.clone())),
    }))
}

/// Run the HTTP service until it is stopped.
pub async fn serve(state: web::Data<AppState>, serve: &ServeSettings) -> anyhow::Result<()> {
    crate::audit::spawn_sealer(state.db.clone())?;
    crate::verify::signals::spawn_flusher(
        state.db.clone(),
        state.verify_counter.clone(),
        state.verify_cache.clone(),
        state.rules.clone(),
        std::time::Duration::from_secs(serve.verify_flush_secs.max(1)),
    )?;
    crate::violations::schedule::spawn(
        state.db.clone(),
        state.rules.clone(),
        std::time::Duration::from_secs(serve.rules_sweep_secs),
    );
    let last = state.clone();
    let metrics_server = match &serve.metrics_bind {
        Some(bind) => Some(crate::metrics::endpoint::server(state.clone(), bind)?),
        None => None,
    };
    let mut server = HttpServer::new(move || build_app(state.clone()))
        .shutdown_timeout(serve.shutdown_timeout_secs);
    if let Some(w) = serve.workers {
        server = server.workers(w.max(1));
    }
    let server = server.bind(&serve.bind)?;
    for addr in server.addrs() {
        tracing::info!(%addr, "listening");
    }
    // SIGTERM or SIGINT: actix stops accepting, lets requests in flight finish (up to the shutdown
    // timeout), and only then does `run` return.
    let metrics_handle = metrics_server.map(|m| {
        let handle = m.handle();
        actix_web::rt::spawn(m);
        handle
    });
    let served = server.run().await;
    tracing::info!("stopped accepting requests; the last ones have been answered");
    if let Some(h) = metrics_handle {
        h.stop(true).await;
    }
    finish(&last);
    served?;
    Ok(())
}

/// What a stopping service writes before it exits: the verification counts since the last flush, and the
/// audit entries still pending (they are durable already; sealing them now keeps the chain current).
fn finish(state: &AppState) {
    if let Err(e) = crate::verify::signals::flush(
        &state.db,
        &state.verify_counter,
        &state.verify_cache,
        &state.rules,
    ) {
        tracing::error!(error = %e, "writing the last verification counts failed");
    }
    if let Err(e) = crate::audit::seal_all(&state.db) {
        tracing::warn!(error = %e, "sealing the last audit entries failed; the next start seals them");
    }
}
