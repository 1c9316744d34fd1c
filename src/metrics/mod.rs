//! Metrics for operators, in the Prometheus text format (`prometheus-client`): requests by method, route
//! pattern and status with their latencies; the database pools; the audit entries waiting to be sealed;
//! whether the database answers; and the background work (scheduled rules, audit sealing).
//!
//! Routes are labelled by the pattern that matched (`/api/v1/lots/{id}`), never the raw path, and every
//! path that matched no route shares the label `unmatched`, so the number of series stays bounded whatever
//! clients send. `/metrics` is served on its own address (`NIUYANG_METRICS_BIND`), or on the main port
//! behind a bearer secret (`NIUYANG_METRICS_TOKEN`), or both; without either it is not served at all.

pub mod background;
pub mod endpoint;
pub mod requests;

use std::time::Duration;

use diesel::prelude::*;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::db::Db;

/// Latency buckets, in seconds: from a cached read to the database deadline.
const LATENCY_BUCKETS: [f64; 13] = [
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How long a scrape waits for the count of pending audit entries.
const SCRAPE_QUERY_LIMIT: Duration = Duration::from_secs(2);

/// One kind of request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `GET`, `POST`, … (`other` for anything else).
    pub method: &'static str,
    /// The route pattern that matched, or `unmatched`.
    pub route: String,
    /// The response status.
    pub status: u16,
}

/// One of the database pools.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    /// `read` or `write` (on PostgreSQL both name the same pool).
    pool: &'static str,
}

/// The service's metrics and the secret that guards them on the main port.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram>,
    pool_connections: Family<PoolLabels, Gauge>,
    pool_idle: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    pool_waiters: Gauge,
    audit_pending: Gauge,
    audit_pending_unread: Counter,
    database_up: Gauge,
    storage_full: Gauge,
    token: Option<String>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new(None)
    }
}

impl Metrics {
    /// Fresh metrics; `token`, when set, is the bearer secret `/metrics` asks for.
    pub fn new(token: Option<String>) -> Metrics {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "niuyang_http_requests",
            "HTTP requests answered, by method, route pattern and status",
            requests.clone(),
        );
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(LATENCY_BUCKETS)) as fn() -> Histogram,
        );
        registry.register(
            "niuyang_http_request_duration_seconds",
            "Time from a request's arrival to its response head, by method, route pattern and status",
            latency.clone(),
        );
        let pool_connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "niuyang_db_pool_connections",
            "Connections open in the pool (on PostgreSQL, read and write are one pool)",
            pool_connections.clone(),
        );
        let pool_idle = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "niuyang_db_pool_idle_connections",
            "Open connections not in use",
            pool_idle.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "niuyang_db_pool_max_connections",
            "The most connections the read pool may open (NIUYANG_DB_POOL_SIZE)",
            pool_max.clone(),
        );
        let pool_waiters = Gauge::default();
        registry.register(
            "niuyang_db_pool_waiters",
            "Calls waiting for a database connection now",
            pool_waiters.clone(),
        );
        let audit_pending = Gauge::default();
        registry.register(
            "niuyang_audit_pending_entries",
            "Writes recorded and not yet sealed into the audit chain (the last value read)",
            audit_pending.clone(),
        );
        let audit_pending_unread = Counter::default();
        registry.register(
            "niuyang_audit_pending_read_failures",
            "Scrapes that could not count the pending audit entries within 2 s (the gauge kept its last value)",
            audit_pending_unread.clone(),
        );
        let database_up = Gauge::default();
        registry.register(
            "niuyang_database_up",
            "1 while the database answers, 0 during an outage (the service's outage prober)",
            database_up.clone(),
        );
        let storage_full = Gauge::default();
        registry.register(
            "niuyang_database_storage_full",
            "1 while writes fail because the disk or the SQLite page quota is full",
            storage_full.clone(),
        );
        background::register(&mut registry);
        Metrics {
            registry,
            requests,
            latency,
            pool_connections,
            pool_idle,
            pool_max,
            pool_waiters,
            audit_pending,
            audit_pending_unread,
            database_up,
            storage_full,
            token: token.filter(|t| !t.is_empty()),
        }
    }

    /// Count one answered request.
    pub fn observe(&self, labels: RequestLabels, elapsed: Duration) {
        self.latency
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
        self.requests.get_or_create(&labels).inc();
    }

    /// Read what is read at scrape time: the pools, the database's state, and the pending audit entries
    /// (one short count, given up after two seconds).
    pub async fn refresh(&self, db: &Db) {
        let stats = db.pool_stats();
        for (pool, size, idle) in [
            ("read", stats.read_size, stats.read_idle),
            ("write", stats.write_size, stats.write_idle),
        ] {
            let labels = PoolLabels { pool };
            self.pool_connections
                .get_or_create(&labels)
                .set(i64::from(size));
            self.pool_idle.get_or_create(&labels).set(i64::from(idle));
        }
        self.pool_max.set(i64::from(stats.max_size));
        self.pool_waiters
            .set(i64::try_from(stats.waiters).unwrap_or(i64::MAX));
        let health = db.health();
        self.storage_full.set(i64::from(health.is_storage_full()));
        let pending = actix_web::rt::time::timeout(
            SCRAPE_QUERY_LIMIT,
            db.read(|conn| {
                use crate::schema::audit_pending;
                Ok(audit_pending::table.count().get_result::<i64>(conn)?)
            }),
        )
        .await;
        match pending {
            Ok(Ok(n)) => {
                self.audit_pending.set(n);
            }
            _ => {
                self.audit_pending_unread.inc();
            }
        }
        // Read after the count, which may itself reveal an outage.
        self.database_up.set(i64::from(!health.is_down()));
    }

    /// The metrics in the Prometheus text format (version 0.0.4).
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)?;
        Ok(out)
    }

    /// The bearer secret `/metrics` asks for, if one is set.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}
