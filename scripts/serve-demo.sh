#!/usr/bin/env bash
# `make run`: the web server plus what keeps the co-op moving — the scheduler, which
# enqueues offer expiry and dispatch rounds when due, and a worker that runs them.
# All three stop together on Ctrl-C.
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
export DEBUG=${DEBUG:-1}

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$PY" manage.py run_scheduler >var/scheduler.log 2>&1 &
pids+=($!)
"$PY" manage.py db_worker --no-reload >var/worker.log 2>&1 &
pids+=($!)
echo "Scheduler and task worker started (logs in var/scheduler.log, var/worker.log)."
echo "Serving http://127.0.0.1:$PORT (Ctrl-C stops it)."
"$PY" manage.py runserver "127.0.0.1:$PORT"
