#!/usr/bin/env bash
# Run the benchmarks (bench/) on a throw-away PostgreSQL cluster, the production database;
# without PostgreSQL they run on SQLite and say so. Extra arguments go to bench.run.
set -uo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
cluster=$(mktemp -d "${TMPDIR:-/tmp}/commonwork-bench-pg.XXXXXX")
trap 'scripts/pg-cluster.sh stop "$cluster"' EXIT
if port=$(scripts/pg-cluster.sh start "$cluster"); then
    BENCH_DATABASE_URL="postgres://commonwork@127.0.0.1:$port/commonwork" "$PYTHON" -m bench.run "$@"
else
    echo "PostgreSQL did not start; the benchmarks run on SQLite." >&2
    "$PYTHON" -m bench.run "$@"
fi
