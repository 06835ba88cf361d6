#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite.
#
#   scripts/pg-cluster.sh start DIR   initdb in DIR/data on a free port; prints the port
#   scripts/pg-cluster.sh stop DIR    stops the cluster and removes DIR
#   scripts/pg-cluster.sh standby DIR PRIMARY_PORT
#                                     a streaming standby of that primary (pg_basebackup),
#                                     read-only, on a free port; prints the port
#   scripts/pg-cluster.sh pause|resume DIR
#                                     stop or restart a standby's replay of the primary
#
# The cluster trusts local connections for the role "commonwork" and has a database
# "commonwork": DATABASE_URL=postgres://commonwork@127.0.0.1:PORT/commonwork.
# PostgreSQL refuses to run as root, so as root the server runs as the "postgres" system
# user (DIR is handed to it); otherwise it runs as the current user.
# PG_BIN overrides where initdb and pg_ctl live (default: PostgreSQL 15's Debian path).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}

[ $# -ge 2 ] || usage
command=$1
dir=$2
primary_port=${3:-}

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

start() {
    if [ ! -x "$PG_BIN/initdb" ]; then
        echo "$PG_BIN/initdb is missing: install postgresql-15 (make test does)." >&2
        exit 1
    fi
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    as_server_user "$PG_BIN/initdb" -D "$dir/data" -A trust -U commonwork \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    local port
    port=$(free_port)
    # -w waits until the server accepts connections (or the timeout passes). Tests need
    # no durability (fsync off); benchmarks of commits ask for it (PG_FSYNC=on).
    as_server_user "$PG_BIN/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/server.log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off}" \
        start >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
    for _ in $(seq 1 60); do
        if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then
            break
        fi
        sleep 0.5
    done
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U commonwork commonwork
    echo "$port" >"$dir/port"
    echo "$port"
}

stop() {
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_server_user "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "$dir"
}

standby() {
    [ -n "$primary_port" ] || usage
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    # -R writes the standby's connection to the primary; -X stream copies the WAL too;
    # a fast checkpoint starts the copy at once (a spread one waits a minute or more).
    as_server_user "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U commonwork \
        -D "$dir/data" -R -X stream --checkpoint=fast >"$dir/basebackup.log" 2>&1 || {
        cat "$dir/basebackup.log" >&2
        exit 1
    }
    local port
    port=$(free_port)
    as_server_user "$PG_BIN/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/server.log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c hot_standby=on" \
        start >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
    echo "$port" >"$dir/port"
    echo "$port"
}

replay() {  # replay pause|resume: what a lagging standby looks like, on demand
    local port
    port=$(cat "$dir/port")
    "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U commonwork -d commonwork -qAt \
        -c "SELECT pg_wal_replay_$1()" >/dev/null
}

case "$command" in
    start) start ;;
    stop) stop ;;
    standby) standby ;;
    pause) replay pause ;;
    resume) replay resume ;;
    *) usage ;;
esac
