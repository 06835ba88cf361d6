#!/usr/bin/env bash
# `make run-federation`: two demo co-ops side by side, each with its own database, key,
# scheduler and task worker — Riverside Commons on http://127.0.0.1:8000 and Hillside
# Riders on http://127.0.0.1:8001 — linked with each other. Ctrl-C stops both.
set -euo pipefail
PY=${PY:-.venv/bin/python}
A_PORT=${A_PORT:-8000}
B_PORT=${B_PORT:-8001}
VAR=${VAR:-var}  # each co-op's files: $VAR (the first) and $VAR/peer (the second)
# DEMO_HISTORY=0: each demo without its weeks of past work (a quicker start, for tests)
demo_options=()
[ "${DEMO_HISTORY:-1}" = 1 ] || demo_options=(--without-history)
export DEBUG=1 COMMONWORK_FEDERATION_HTTP=1
# The platform's own settings (the database queue, run by db_worker), whatever the caller
# had set: a test runner's settings run jobs inside the scheduler's transaction.
export DJANGO_SETTINGS_MODULE=commonwork.settings

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

start() {  # start NAME PORT VAR_DIR [DEMO_NAME]
  local name=$1 port=$2 var=$3 demo=${4:-}
  mkdir -p "$var"
  local env=(COMMONWORK_PUBLIC_URL="http://127.0.0.1:$port" COMMONWORK_VAR_DIR="$var" COMMONWORK_DEMO_NAME="$demo")
  env "${env[@]}" "$PY" manage.py migrate --noinput >"$var/migrate.log"
  env "${env[@]}" "$PY" manage.py load_demo "${demo_options[@]}" >"$var/demo.log"
  env "${env[@]}" "$PY" manage.py run_scheduler >"$var/scheduler.log" 2>&1 &
  pids+=($!)
  env "${env[@]}" "$PY" manage.py db_worker --no-reload >"$var/worker.log" 2>&1 &
  pids+=($!)
  env "${env[@]}" "$PY" manage.py runserver --noreload "127.0.0.1:$port" >"$var/server.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/nodeinfo/2.1" >/dev/null && break
    sleep 0.5
  done
  echo "$name: http://127.0.0.1:$port (logs in $var/)"
}

start "Riverside Commons" "$A_PORT" "$VAR"
start "Hillside Riders" "$B_PORT" "$VAR/peer" "Hillside Riders"
COMMONWORK_PUBLIC_URL="http://127.0.0.1:$A_PORT" COMMONWORK_VAR_DIR="$VAR" \
  "$PY" manage.py federation_link "coop@127.0.0.1:$B_PORT" --as alice
COMMONWORK_PUBLIC_URL="http://127.0.0.1:$B_PORT" COMMONWORK_VAR_DIR="$VAR/peer" \
  "$PY" manage.py federation_link --accept-pending --as alice --wait 30
echo
echo "Linked. Log in on either as alice (a steward) with the demo password, open"
echo "/federation/, and offer an open task to the other co-op (docs/federation.md)."
wait
