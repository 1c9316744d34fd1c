//! The SIGKILL harness (issue 11, point 4): the real binary under a mixed write load (lots, shipments,
//! ledger entries, receipts, complaints), every write with its own `Idempotency-Key`, killed with SIGKILL
//! while writes are in flight, restarted, and every write that got no answer sent again with the same key.
//! After each cycle every write that got a 2xx is present exactly once (read through the API) and the
//! audit chain is sound.
//!
//! `NIUYANG_CRASH_CYCLES` cycles (default 5); on SQLite, or on a fresh PostgreSQL database when
//! `NIUYANG_TEST_POSTGRES_URL` is set. Loopback only; every loop is bounded.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../api/common.rs"]
mod common;
mod http;
mod load;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use http::{create, get, send, Server};
use load::{Kind, Shared, Stock, Write, KINDS};

/// Worker threads per kind of write.
const THREADS_PER_KIND: usize = 2;

fn login(port: u16, accounts: &Value, username: &str) -> String {
    let a = accounts
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["username"] == username)
        .unwrap_or_else(|| panic!("no demo account {username}"));
    let body = json!({"username": username, "password": a["password"]}).to_string();
    match send(port, "POST", "/api/v1/auth/login", None, None, Some(&body)) {
        Ok((200, v)) => v["access_token"].as_str().expect("token").to_string(),
        other => panic!("login {username}: {other:?}"),
    }
}

fn org_of(accounts: &Value, username: &str) -> String {
    accounts
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["username"] == username)
        .and_then(|a| a["org_id"].as_str())
        .expect("org")
        .to_string()
}

/// A batch at 穗北 inspected at 40 t with three lots of 5 t: lot 1 to ship from, lot 2 shipped to the
/// trader to record, lot 3 shipped to and recorded by the stall to sell from.
fn setup(port: u16, accounts: &Value) -> Stock {
    let sh = login(port, accounts, "sh.suibei");
    let vet = login(port, accounts, "vet.chen");
    let trader_token = login(port, accounts, "vendor.suifeng");
    let stall_token = login(port, accounts, "vendor.jiangnan12");
    let inspector = login(port, accounts, "inspector.city");
    let house = org_of(accounts, "sh.suibei");
    let trader = org_of(accounts, "vendor.suifeng");
    let stall = org_of(accounts, "vendor.jiangnan12");
    let tags: Vec<String> = (0..2).map(|i| format!("244180399{i:06}")).collect();
    // Issued now: a 动物B certificate is valid on its day of issue in China only (an hour ago is yesterday
    // there in the first hour after midnight).
    let issued = chrono::Utc::now().to_rfc3339();
    create(
        port,
        "/api/v1/animal-certificates",
        &sh,
        &json!({"number": "CRASH-CERT", "cert_type": "animal_b",
        "species": "cattle", "head_count": 2, "owner_name": "陈某某", "origin_place": "广东省清远市",
        "destination_id": house, "carrier": "粤运", "vehicle_plate": "粤R·3C417", "issued_at": issued, "ear_tags": tags}),
    );
    let intake = create(
        port,
        "/api/v1/intakes",
        &sh,
        &json!({"certificate_number": "CRASH-CERT", "species": "cattle",
        "heads_alive": 2, "ear_tags": tags, "vehicle_plate": "粤R·3C417"}),
    );
    let intake = intake["id"].as_str().expect("intake").to_string();
    create(
        port,
        &format!("/api/v1/intakes/{intake}/checks"),
        &vet,
        &json!({"accepted": true}),
    );
    let batch = create(
        port,
        "/api/v1/batches",
        &sh,
        &json!({"batch_no": "CRASH-B", "species": "cattle",
        "draws": [{"intake_id": intake, "heads": 2}]}),
    );
    let batch = batch["id"].as_str().expect("batch").to_string();
    create(
        port,
        &format!("/api/v1/batches/{batch}/quarantine"),
        &vet,
        &json!({"heads_passed": 2, "heads_failed": 0,
        "product_certificate": {"number": "PB-CRASH", "cert_type": "product_b", "product": "鲜牛肉", "quantity": 40_000, "unit": "kg"}}),
    );
    create(
        port,
        &format!("/api/v1/batches/{batch}/inspection-certificates"),
        &sh,
        &json!({"number": "JY-CRASH", "weight_g": 40_000_000, "inspector": "李检验", "passed": true}),
    );
    let lot = json!({"product_kind": "cuts", "product_name": "SETUP", "weight_g": 5_000_000, "storage": "chilled"});
    let lots = create(
        port,
        &format!("/api/v1/batches/{batch}/lots"),
        &sh,
        &json!({"lots": [lot, lot, lot]}),
    );
    let lot_id = |i: usize| lots[i]["id"].as_str().expect("lot").to_string();
    let lot_code = |i: usize| lots[i]["trace_code"].as_str().expect("code").to_string();
    let ship = |to: &str, voucher: &str, lot: String| {
        create(
            port,
            "/api/v1/shipments",
            &sh,
            &json!({"buyer_id": to, "voucher_no": voucher,
            "lines": [{"lot_id": lot, "weight_g": 5_000_000, "unit_price_fen": 8_000}]}),
        );
    };
    ship(&trader, "SETUP-2", lot_id(1));
    ship(&stall, "SETUP-3", lot_id(2));
    create(
        port,
        "/api/v1/ledger/entries",
        &stall_token,
        &json!({"scanned": lot_code(2), "weight_g": 5_000_000}),
    );
    Stock {
        sh,
        trader,
        trader_token,
        stall_token,
        inspector,
        batch,
        lot1: lot_id(0),
        lot2_code: lot_code(1),
        lot3: lot_id(2),
    }
}

/// Send every unanswered write again with its key until it is answered (bounded by a deadline).
fn resend(port: u16, writes: &mut [Write]) -> (usize, usize) {
    let (mut replayed, mut fresh) = (0, 0);
    for w in writes.iter_mut().filter(|w| w.answer.is_none()) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match w.send(port) {
                Ok(true) => break,
                Ok(false) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100))
                }
                Ok(false) => panic!("{:?} never answered after the restart", w.kind),
                Err(e) => panic!("sent again: {e}"),
            }
        }
        if w.replayed {
            replayed += 1;
        } else {
            fresh += 1;
        }
    }
    (replayed, fresh)
}

/// Every write answered, and each present exactly once: returns (lost, duplicated).
fn check(port: u16, stock: &Stock, writes: &[Write]) -> (usize, usize) {
    let (mut lost, mut duplicated) = (0, 0);
    for kind in KINDS {
        let answered: Vec<&String> = writes
            .iter()
            .filter(|w| w.kind == kind)
            .map(|w| w.answer.as_ref().expect("every write answered"))
            .collect();
        let expected: HashSet<&String> = answered.iter().copied().collect();
        assert_eq!(
            expected.len(),
            answered.len(),
            "{kind:?}: two writes answered with one record"
        );
        let listed = load::listed(port, kind, stock);
        let present: HashSet<&String> = listed.iter().collect();
        lost += expected.difference(&present).count();
        duplicated += listed.len() - expected.intersection(&present).count();
    }
    (lost, duplicated)
}

#[test]
fn writes_survive_sigkill_exactly_once() {
    let cycles: usize = std::env::var("NIUYANG_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let started = Instant::now();
    let db = common::TestDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let demo = http::niuyang(&db.url, dir.path())
        .args(["demo", "--json"])
        .output()
        .expect("demo");
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let demo: Value = serde_json::from_slice(&demo.stdout).expect("demo json");
    let accounts = &demo["accounts"];
    let mut server = Server::start(&db.url, dir.path());
    let stock = setup(server.port, accounts);
    let regulator = login(server.port, accounts, "mr.city");

    let mut writes: Vec<Write> = Vec::new();
    let mut in_flight_at_kill = Vec::new();
    let (mut replayed_total, mut fresh_total) = (0, 0);
    let shared_next = Arc::new(Shared::default());
    for cycle in 1..=cycles {
        let shared = Arc::new(Shared::default());
        shared
            .next
            .store(shared_next.next.load(Ordering::SeqCst), Ordering::SeqCst);
        let workers: Vec<_> = KINDS
            .iter()
            .flat_map(|k| std::iter::repeat_n(*k, THREADS_PER_KIND))
            .map(|kind| {
                let (port, stock, shared) = (server.port, stock.clone(), shared.clone());
                std::thread::spawn(move || load::worker(kind, port, stock, shared))
            })
            .collect();
        // Let the load get going, then kill at a moment that differs from cycle to cycle.
        let deadline = Instant::now() + Duration::from_secs(30);
        while shared.acked.load(Ordering::SeqCst) < 40 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(100 + (cycle as u64 * 137) % 600));
        let deadline = Instant::now() + Duration::from_secs(5);
        while shared.in_flight.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(200));
        }
        // No new writes from here; what is open now is open when the process dies.
        shared.stop.store(true, Ordering::SeqCst);
        let in_flight = shared.in_flight.load(Ordering::SeqCst);
        server.kill();
        let acked = shared.acked.load(Ordering::SeqCst);
        let mut made: Vec<Write> = Vec::new();
        for w in workers {
            made.extend(
                w.join()
                    .expect("worker")
                    .unwrap_or_else(|e| panic!("cycle {cycle}: {e}")),
            );
        }
        shared_next
            .next
            .store(shared.next.load(Ordering::SeqCst), Ordering::SeqCst);
        in_flight_at_kill.push(in_flight);
        println!("cycle {cycle}/{cycles}: SIGKILL with {in_flight} writes in flight ({acked} acknowledged this cycle)");

        server = Server::start(&db.url, dir.path());
        let (replayed, fresh) = resend(server.port, &mut made);
        replayed_total += replayed;
        fresh_total += fresh;
        writes.extend(made);
        let (lost, duplicated) = check(server.port, &stock, &writes);
        let audit = get(server.port, "/api/v1/audit/verify", &regulator);
        println!(
            "  sent again without an answer: {} ({replayed} had been recorded: 200; {fresh} recorded now: 201); \
             {} writes acknowledged so far; lost {lost}, duplicated {duplicated}; audit chain {}",
            replayed + fresh,
            writes.len(),
            if audit["ok"] == true { "sound" } else { "BROKEN" }
        );
        assert_eq!((lost, duplicated), (0, 0), "cycle {cycle}");
        assert_eq!(audit["ok"], true, "cycle {cycle}: {audit}");
    }
    server.kill();
    // And the trail verifies from the command line too.
    let verify = http::niuyang(&db.url, dir.path())
        .args(["audit", "verify"])
        .output()
        .expect("audit verify");
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );

    let by_kind: HashMap<Kind, usize> = writes.iter().fold(HashMap::new(), |mut m, w| {
        *m.entry(w.kind).or_default() += 1;
        m
    });
    let (min, max) = (
        in_flight_at_kill.iter().min().copied().unwrap_or(0),
        in_flight_at_kill.iter().max().copied().unwrap_or(0),
    );
    let avg =
        in_flight_at_kill.iter().sum::<usize>() as f64 / in_flight_at_kill.len().max(1) as f64;
    println!(
        "crash harness on {}: {cycles} cycles, {} writes acknowledged ({by_kind:?}), in flight at each kill \
         min {min} / avg {avg:.1} / max {max}; sent again after a restart: {} ({replayed_total} had been \
         recorded before the kill and were answered from their key, {fresh_total} were recorded then); lost 0, \
         duplicated 0; {:.1} s",
        if db.is_postgres() { "PostgreSQL" } else { "SQLite" },
        writes.len(),
        replayed_total + fresh_total,
        started.elapsed().as_secs_f64()
    );
}
