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


DIAG = []


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
        # Every vendor's token; then a holder ships what it holds of one lot to another vendor, who records it.
        vendors = []
        for acct in demo["accounts"]:
            if acct["role"] != "vendor":
                continue
            status, tok = call(base, "POST", "/api/v1/auth/login",
                               {"username": acct["username"], "password": acct["password"]})
            if status == 200:
                vendors.append((acct["org_id"], tok["access_token"]))
        code, token = None, None
        global DIAG
        for org, holder in vendors:
            status, board = call(base, "GET", f"/api/v1/stalls/{org}/today", token=holder)
            held = {e["trace_code"]: e["weight_held_g"] for e in (board or {}).get("entries", [])} \
                if status == 200 else {}
            status, page = call(base, "GET", "/api/v1/shipments?limit=100", token=holder)
            lots = {l["lot_id"] for sh in (page or {}).get("items", []) if sh.get("buyer_id") == org
                    for l in sh.get("lines", [])} if status == 200 else set()
            for lot_id in lots:
                status, lot = call(base, "GET", f"/api/v1/lots/{lot_id}", token=holder)
                weight = held.get(lot.get("trace_code"), 0) if status == 200 else 0
                DIAG.append((org[:6], status, weight))
                if weight < 10_000:
                    continue
                for buyer, buyer_token in vendors:
                    if buyer == org:
                        continue
                    s, _ = call(base, "POST", "/api/v1/shipments",
                                {"buyer_id": buyer, "voucher_no": f"BENCH-{lot_id[:8]}",
                                 "lines": [{"lot_id": lot_id, "weight_g": weight, "unit_price_fen": 1000}]},
                                holder)
                    DIAG.append(("ship", s, _))
                    if s == 201:
                        code, token = lot["trace_code"], buyer_token
                        break
                if code:
                    break
            if code:
                break
        if not code:
            sys.exit(f"no vendor could ship a lot it holds to another vendor in the demo: {DIAG}")
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
