//! The write load: five kinds of create, each with its own `Idempotency-Key`, sent by worker threads until
//! the service is killed; what got no answer is sent again later with the same key.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::http::send;

/// What the load writes (each kind from its own stock, so writes never refuse each other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// One small lot made from the batch.
    Lot,
    /// 100 g of lot 1 shipped to the trader.
    Shipment,
    /// The trader recording 100 g of lot 2.
    LedgerEntry,
    /// The stall selling 100 g of lot 3.
    Receipt,
    /// A complaint filed without an account.
    Complaint,
}

pub const KINDS: [Kind; 5] = [
    Kind::Lot,
    Kind::Shipment,
    Kind::LedgerEntry,
    Kind::Receipt,
    Kind::Complaint,
];

/// What the setup made for the load: tokens and the records it draws on.
#[derive(Clone)]
pub struct Stock {
    pub sh: String,
    pub trader: String,
    pub trader_token: String,
    pub stall_token: String,
    pub inspector: String,
    pub batch: String,
    pub lot1: String,
    pub lot2_code: String,
    pub lot3: String,
}

/// One write, with its answer once it has one.
#[derive(Debug, Clone)]
pub struct Write {
    pub kind: Kind,
    pub path: String,
    pub token: Option<String>,
    pub body: String,
    pub key: String,
    /// The id of the record the answer names (2xx only).
    pub answer: Option<String>,
    /// Answered by a 200: recorded before, under this key.
    pub replayed: bool,
}

impl Write {
    pub fn new(kind: Kind, n: u64, s: &Stock) -> Write {
        let (path, token, body) = match kind {
            Kind::Lot => (
                format!("/api/v1/batches/{}/lots", s.batch),
                Some(&s.sh),
                json!({"lots": [{"product_kind": "cuts", "product_name": format!("CRASH-{n}"),
                                 "weight_g": 100, "storage": "chilled"}]}),
            ),
            Kind::Shipment => (
                "/api/v1/shipments".to_string(),
                Some(&s.sh),
                json!({"buyer_id": s.trader, "voucher_no": format!("CR-{n}"),
                       "lines": [{"lot_id": s.lot1, "weight_g": 100, "unit_price_fen": 8_000}]}),
            ),
            Kind::LedgerEntry => (
                "/api/v1/ledger/entries".to_string(),
                Some(&s.trader_token),
                json!({"scanned": s.lot2_code, "weight_g": 100, "receipt_no": format!("CR-{n}")}),
            ),
            Kind::Receipt => (
                "/api/v1/receipts".to_string(),
                Some(&s.stall_token),
                json!({"lines": [{"lot_id": s.lot3, "weight_g": 100, "price_fen": n as i64}]}),
            ),
            Kind::Complaint => (
                "/api/v1/complaints".to_string(),
                None,
                json!({"category": "water_injected", "description": format!("CRASH-{n} 牛肉注水"),
                       "district": "haizhu"}),
            ),
        };
        Write {
            kind,
            path,
            token: token.cloned(),
            body: body.to_string(),
            key: uuid::Uuid::new_v4().to_string(),
            answer: None,
            replayed: false,
        }
    }

    /// Send it once. `Ok(true)`: answered (2xx); `Ok(false)`: no answer (or 503), send again later;
    /// `Err`: any other answer, which the harness reports as a failure.
    pub fn send(&mut self, port: u16) -> Result<bool, String> {
        match send(
            port,
            "POST",
            &self.path,
            self.token.as_deref(),
            Some(&self.key),
            Some(&self.body),
        ) {
            Ok((status @ (200 | 201), v)) => {
                let record = if v.is_array() { &v[0] } else { &v };
                let id = record["id"]
                    .as_str()
                    .ok_or(format!("{:?}: no id in {v}", self.kind))?;
                self.answer = Some(id.to_string());
                self.replayed = status == 200;
                Ok(true)
            }
            Ok((503, _)) | Err(_) => Ok(false),
            Ok((status, v)) => Err(format!("{:?} {}: {status} {v}", self.kind, self.path)),
        }
    }
}

/// Shared by the workers of one cycle.
#[derive(Default)]
pub struct Shared {
    pub stop: AtomicBool,
    pub in_flight: AtomicUsize,
    pub acked: AtomicUsize,
    pub next: AtomicU64,
}

/// A worker: writes of one kind, one after another, until `stop`. Returns every write it made.
pub fn worker(
    kind: Kind,
    port: u16,
    stock: Stock,
    shared: Arc<Shared>,
) -> Result<Vec<Write>, String> {
    let mut done = Vec::new();
    // Bounded: a cycle's load runs for seconds, far below this many writes.
    for _ in 0..100_000 {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let n = shared.next.fetch_add(1, Ordering::SeqCst);
        let mut w = Write::new(kind, n, &stock);
        shared.in_flight.fetch_add(1, Ordering::SeqCst);
        let answered = w.send(port);
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        match answered? {
            true => {
                shared.acked.fetch_add(1, Ordering::SeqCst);
            }
            false => std::thread::sleep(Duration::from_millis(20)),
        }
        done.push(w);
        // A client's own pace, so that how many writes are open at a kill varies.
        std::thread::sleep(Duration::from_millis(n * 7_919 % 25));
    }
    Ok(done)
}

/// Records of each kind the load made, by id, read through the API.
pub fn listed(port: u16, kind: Kind, s: &Stock) -> Vec<String> {
    let ids = |items: &Value, keep: &dyn Fn(&Value) -> bool| -> Vec<String> {
        items
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| keep(i))
            .map(|i| i["id"].as_str().expect("id").to_string())
            .collect()
    };
    match kind {
        Kind::Lot => {
            let b = crate::http::get(port, &format!("/api/v1/batches/{}", s.batch), &s.sh);
            ids(&b["lots"], &|l| {
                l["product_name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("CRASH-"))
            })
        }
        Kind::Shipment => pages(port, "/api/v1/shipments", &s.sh, &|i| {
            i["voucher_no"]
                .as_str()
                .is_some_and(|v| v.starts_with("CR-"))
        }),
        Kind::LedgerEntry => pages(port, "/api/v1/ledger/entries", &s.trader_token, &|i| {
            i["receipt_no"]
                .as_str()
                .is_some_and(|v| v.starts_with("CR-"))
        }),
        Kind::Receipt => pages(port, "/api/v1/receipts", &s.stall_token, &|i| {
            i["lines"][0]["lot_id"] == s.lot3.as_str()
        }),
        Kind::Complaint => pages(port, "/api/v1/complaints", &s.inspector, &|i| {
            i["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("CRASH-"))
        }),
    }
}

fn pages(port: u16, path: &str, token: &str, keep: &dyn Fn(&Value) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for page in 0..1_000 {
        let v = crate::http::get(
            port,
            &format!("{path}?limit=200&offset={}", page * 200),
            token,
        );
        let items = v["items"].as_array().expect("items");
        out.extend(
            items
                .iter()
                .filter(|i| keep(i))
                .map(|i| i["id"].as_str().expect("id").to_string()),
        );
        if items.len() < 200 {
            break;
        }
    }
    out
}
