#!/usr/bin/env bash
# The contract check: Schemathesis (pinned in .ci/requirements-schemathesis.txt, in a virtualenv under
# target/ci-venv) against a server seeded with the demo dataset on a fresh SQLite file, anonymously and with a
# token of each demo role, with every default check, a fixed seed and a fixed number of examples
# (.ci/schemathesis.toml). Prints the cases and status counts per operation and its own time; fails on any
# failure. Usage: .ci/schemathesis.sh (from anywhere; honours CARGO_TARGET_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
T0=$(date +%s)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="$ROOT/target/ci-venv"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  echo "making the virtualenv $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r .ci/requirements-schemathesis.txt
fi
# NIUYANG_CONTRACT_BIN: a binary built already (e.g. under a shared build lock); otherwise the debug build.
BIN="${NIUYANG_CONTRACT_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build -q
  BIN="$TARGET/debug/niuyang"
fi

WORK=$(mktemp -d)
[ -z "${NIUYANG_CONTRACT_KEEP:-}" ] || echo "work folder: $WORK"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [ -n "${NIUYANG_CONTRACT_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
export NIUYANG_DATA_DIR="$WORK/data"
export NIUYANG_DATABASE_URL="$WORK/data/niuyang.db"
export NIUYANG_JWT_SECRET="contract-check-secret-0123456789abcdef"
export NIUYANG_BIND="127.0.0.1:$PORT"
export NIUYANG_LOG="${NIUYANG_LOG:-warn}"
# The documented limits, raised for one client making thousands of requests; the service stays as it is.
export NIUYANG_VERIFY_PER_MINUTE=1000000
export NIUYANG_COMPLAINTS_PER_HOUR=1000000
export NIUYANG_TICKET_LOOKUPS_PER_MINUTE=1000000
export NIUYANG_LOGIN_FREE_FAILURES=1000000
export NIUYANG_LOGIN_MAX_FAILURES_PER_CLIENT=1000000
export NIUYANG_RULES_SWEEP_SECS=0

"$BIN" demo --json >"$WORK/demo.json"
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -sf "$BASE/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "$BASE/health/ready" >/dev/null || { echo "the server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

# One account of each role from the demo output, logged in.
python3 - "$WORK/demo.json" "$BASE" >"$WORK/tokens.tsv" <<'PY'
import json, sys, urllib.request
demo = json.load(open(sys.argv[1]))
seen = set()
for a in demo["accounts"]:
    if a["role"] in seen:
        continue
    seen.add(a["role"])
    req = urllib.request.Request(
        sys.argv[2] + "/api/v1/auth/login",
        data=json.dumps({"username": a["username"], "password": a["password"]}).encode(),
        headers={"content-type": "application/json"},
    )
    token = json.load(urllib.request.urlopen(req))["access_token"]
    print(f"{a['role']}\t{token}")
PY
echo "identities: anonymous $(cut -f1 "$WORK/tokens.tsv" | tr '\n' ' ')"

export SCHEMATHESIS_HOOKS=schemathesis_hooks
export PYTHONPATH="$ROOT/.ci${PYTHONPATH:+:$PYTHONPATH}"
export NIUYANG_CONTRACT_LOG="$WORK/calls.tsv"
FAILED=0
# Identities run three at a time (Schemathesis is single-threaded; the server answers them all).
PARALLEL="${NIUYANG_CONTRACT_PARALLEL:-3}"
run() {
  local identity="$1"
  shift
  NIUYANG_CONTRACT_IDENTITY="$identity" "$VENV/bin/schemathesis" --no-color \
    --config-file .ci/schemathesis.toml run "$BASE/api/openapi.json" ${NIUYANG_CONTRACT_ARGS:-} "$@" \
    >"$WORK/run-$identity.txt" 2>&1
  echo $? >"$WORK/rc-$identity"
}
IDENTITIES=(anonymous)
RUNS=()
declare -A TOKENS=()
while IFS=$'\t' read -r role token; do
  IDENTITIES+=("$role")
  TOKENS[$role]="$token"
done <"$WORK/tokens.tsv"
for identity in "${IDENTITIES[@]}"; do
  # NIUYANG_CONTRACT_ONLY="anonymous vendor": only these identities (for a quicker look; CI runs them all).
  if [ -n "${NIUYANG_CONTRACT_ONLY:-}" ] && [[ " $NIUYANG_CONTRACT_ONLY " != *" $identity "* ]]; then
    continue
  fi
  # The server is a job too.
  while [ "$(jobs -rp | wc -l)" -gt "$PARALLEL" ]; do sleep 0.2; done
  if [ "$identity" = anonymous ]; then
    run anonymous &
  else
    run "$identity" -H "Authorization: Bearer ${TOKENS[$identity]}" &
  fi
  RUNS+=($!)
done
[ "${#RUNS[@]}" -eq 0 ] || wait "${RUNS[@]}"
for identity in "${IDENTITIES[@]}"; do
  [ -f "$WORK/rc-$identity" ] || continue
  echo "== schemathesis as ${identity} =="
  sed -n '/=== SUMMARY ===/,$p' "$WORK/run-$identity.txt"
  [ "$(cat "$WORK/rc-$identity")" = 0 ] || FAILED=1
done

echo "== cases and statuses per operation (all identities) =="
python3 .ci/contract_summary.py "$WORK/calls.tsv"
if [ "$FAILED" -ne 0 ]; then
  for identity in "${IDENTITIES[@]}"; do
    f="$WORK/run-$identity.txt"
    [ -f "$f" ] && [ "$(cat "$WORK/rc-$identity")" != 0 ] || continue
    echo "== failures as ${identity} =="
    sed -n '/=== FAILURES ===\|=== ERRORS ===/,/=== SUMMARY ===/p' "$f"
  done
fi
echo "== contract (schemathesis): $(($(date +%s) - T0)) s =="
exit "$FAILED"
