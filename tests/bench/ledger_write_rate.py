#!/usr/bin/env python3
"""Ledger write rate: purchase-ledger entries per second through the API on a fresh SQLite database.

Starts the given binary on a free port with the demo dataset, finds the lot shipped to a vendor with the most
weight, and has THREADS clients record 1 g ledger entries on it for SECONDS. Prints entries/s and latency
percentiles. Used to report the cost of SQLite's synchronous=FULL (issue 11): run it with the binary of a
commit before and after the change, or twice with the same binary on different disks.

    python3 tests/bench/ledger_write_rate.py target/release/niuyang [SECONDS] [THREADS]

Only loopback traffic; bounded in time.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call(base, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def main():
    binary = os.path.abspath(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    data = tempfile.mkdtemp(prefix="niuyang-bench-")
    env = dict(os.environ, NIUYANG_DATA_DIR=data, NIUYANG_LOG="warn", NIUYANG_RULES_SWEEP_SECS="0",
               NIUYANG_VERIFY_PER_MINUTE="100000")
    env.pop("NIUYANG_DATABASE_URL", None)
    demo = json.loads(subprocess.run([binary, "demo", "--json"], env=env, check=True,
                                     capture_output=True).stdout)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if call(base, "GET", "/health/ready")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        # The chain of story 1 through the API (as the SIGKILL harness does): a batch at 穗北, one 5,000 kg lot
        # shipped to 江南 stall 12, which then records 1 g ledger entries on it.
        accounts = {a["username"]: a for a in demo["accounts"]}

        def login(name):
            a = accounts[name]
            st, tok = call(base, "POST", "/api/v1/auth/login", {"username": name, "password": a["password"]})
            assert st == 200, tok
            return tok["access_token"]

        def create(path, token, body):
            st, out = call(base, "POST", path, body, token)
            assert st in (200, 201), (path, st, out)
            return out

        sh, vet, token = login("sh.suibei"), login("vet.chen"), login("vendor.jiangnan12")
        house, stall = accounts["sh.suibei"]["org_id"], accounts["vendor.jiangnan12"]["org_id"]
        tags = [f"244180398{i:06}" for i in range(2)]
        issued = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
        create("/api/v1/animal-certificates", sh, {
            "number": "BENCH-CERT", "cert_type": "animal_b", "species": "cattle", "head_count": 2,
            "owner_name": "陈某某", "origin_place": "广东省清远市", "destination_id": house, "carrier": "粤运",
            "vehicle_plate": "粤R·3C417", "issued_at": issued, "ear_tags": tags})
        intake = create("/api/v1/intakes", sh, {
            "certificate_number": "BENCH-CERT", "species": "cattle", "heads_alive": 2, "ear_tags": tags,
            "vehicle_plate": "粤R·3C417"})["id"]
        create(f"/api/v1/intakes/{intake}/checks", vet, {"accepted": True})
        batch = create("/api/v1/batches", sh, {"batch_no": "BENCH-B", "species": "cattle",
                                                "draws": [{"intake_id": intake, "heads": 2}]})["id"]
        create(f"/api/v1/batches/{batch}/quarantine", vet, {
            "heads_passed": 2, "heads_failed": 0,
            "product_certificate": {"number": "PB-BENCH", "cert_type": "product_b", "product": "鲜牛肉",
                                    "quantity": 40_000, "unit": "kg"}})
        create(f"/api/v1/batches/{batch}/inspection-certificates", sh, {
            "number": "JY-BENCH", "weight_g": 40_000_000, "inspector": "李检验", "passed": True})
        lot = create(f"/api/v1/batches/{batch}/lots", sh, {"lots": [
            {"product_kind": "cuts", "product_name": "BENCH", "weight_g": 5_000_000, "storage": "chilled"}]})[0]
        create("/api/v1/shipments", sh, {"buyer_id": stall, "voucher_no": "BENCH-1", "lines": [
            {"lot_id": lot["id"], "weight_g": 5_000_000, "unit_price_fen": 8_000}]})
        code = lot["trace_code"]
        latencies, errors = [], []
        stop = time.monotonic() + seconds
        lock = threading.Lock()

        def worker():
            while time.monotonic() < stop:
                t = time.monotonic()
                s, body = call(base, "POST", "/api/v1/ledger/entries", {"scanned": code, "weight_g": 1},
                               token)
                with lock:
                    if s == 201:
                        latencies.append(time.monotonic() - t)
                    else:
                        errors.append((s, body))

        started = time.monotonic()
        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        took = time.monotonic() - started
        if not latencies:
            sys.exit(f"no entry recorded: {errors[:3]}")
        latencies.sort()
        q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
        print(json.dumps({
            "binary": binary, "seconds": round(took, 2), "threads": threads,
            "entries": len(latencies), "entries_per_s": round(len(latencies) / took, 1),
            "p50_ms": round(q(0.5), 1), "p99_ms": round(q(0.99), 1),
            "median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "errors": len(errors), "first_error": errors[0] if errors else None,
        }))
    finally:
        server.terminate()
        server.wait(timeout=60)
        subprocess.run(["rm", "-rf", data])


if __name__ == "__main__":
    main()
