#!/usr/bin/env bash
# `make run-cluster`: the multi-process layout on one machine, on loopback ports — a
# PostgreSQL primary and its streaming standby, Redis, two web processes (gunicorn), two
# task workers (RQ) and two schedulers (one leads, docs/operator-guide.md "More than one
# machine"). Ctrl-C stops them all and removes the throw-away databases.
#
#   WEB_PORTS="8000 8001"   the web processes' ports
#   CLUSTER_DIR=DIR         where databases and logs go (default: a new temporary folder)
#   CLUSTER_DEMO=0          start empty instead of with the demo co-op
#   CLUSTER_DEMO_HISTORY=0  the demo without its weeks of past work (a quicker start)
#   CLUSTER_QUEUE=database  the database's task queue (db_worker) instead of RQ on Redis
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
WEB_PORTS=${WEB_PORTS:-"8000 8001"}
dir=${CLUSTER_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/commonwork-cluster.XXXXXX")}
mkdir -p "$dir"
chmod 755 "$dir"  # the PostgreSQL server user reaches its folders through it

pids=()
cleanup() {
    trap - EXIT INT TERM
    kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    scripts/pg-cluster.sh stop "$dir/standby" || true
    scripts/pg-cluster.sh stop "$dir/primary" || true
    echo "Stopped; logs kept in $dir."
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

primary_port=$(scripts/pg-cluster.sh start "$dir/primary")
standby_port=$(scripts/pg-cluster.sh standby "$dir/standby" "$primary_port")
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    >"$dir/redis.log" 2>&1 &
pids+=($!)

# Loopback and plain HTTP: the development settings (secure cookies would need TLS).
export DEBUG=1 LOG_FORMAT=json DJANGO_SETTINGS_MODULE=commonwork.settings
export DATABASE_URL="postgres://commonwork@127.0.0.1:$primary_port/commonwork"
export DATABASE_REPLICA_URL="postgres://commonwork@127.0.0.1:$standby_port/commonwork"
if [ "${CLUSTER_QUEUE:-redis}" = redis ]; then
    export REDIS_URL="redis://127.0.0.1:$redis_port/0"
    worker=(manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job default)
else
    unset REDIS_URL
    worker=(manage.py db_worker --no-reload)
fi
export DATABASE_POOL_SIZE=${DATABASE_POOL_SIZE:-4}
export COMMONWORK_VAR_DIR="$dir/var"
# The processes of this machine write their metrics here; /metrics sums them.
export PROMETHEUS_MULTIPROC_DIR="$dir/metrics"
mkdir -p "$COMMONWORK_VAR_DIR" "$PROMETHEUS_MULTIPROC_DIR"
# One secret for every process: sessions and audit checkpoints must verify on all.
SECRET_KEY=${SECRET_KEY:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')}
export SECRET_KEY

for _ in $(seq 1 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
done
"$PY" manage.py migrate --noinput >"$dir/migrate.log"
if [ "${CLUSTER_DEMO:-1}" = 1 ]; then
    demo_options=()
    [ "${CLUSTER_DEMO_HISTORY:-1}" = 1 ] || demo_options=(--without-history)
    "$PY" manage.py load_demo "${demo_options[@]}" >"$dir/demo.log"
fi

for n in 1 2; do
    "$PY" manage.py run_scheduler >"$dir/scheduler-$n.log" 2>&1 &
    pids+=($!)
    "$PY" "${worker[@]}" >"$dir/worker-$n.log" 2>&1 &
    pids+=($!)
done
n=0
for port in $WEB_PORTS; do
    n=$((n + 1))
    "$PY" -m gunicorn commonwork.wsgi --bind "127.0.0.1:$port" --workers 2 --threads 4 \
        --graceful-timeout 5 --pid "$dir/web-$n.pid" --control-socket "$dir/web-$n.ctl" \
        >"$dir/web-$n.log" 2>&1 &
    pids+=($!)
done
for port in $WEB_PORTS; do
    for _ in $(seq 1 120); do
        curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
        sleep 0.5
    done
done

cat >"$dir/cluster.env" <<ENV
DATABASE_URL=$DATABASE_URL
DATABASE_REPLICA_URL=$DATABASE_REPLICA_URL
REDIS_URL=${REDIS_URL:-}
SECRET_KEY=$SECRET_KEY
COMMONWORK_VAR_DIR=$COMMONWORK_VAR_DIR
WEB_PORTS="$WEB_PORTS"
ENV
echo "PostgreSQL primary :$primary_port, standby :$standby_port; Redis :$redis_port."
for port in $WEB_PORTS; do echo "Web: http://127.0.0.1:$port"; done
echo "Two task workers and two schedulers; logs and cluster.env in $dir. Ctrl-C stops all."
echo "ready"
wait
