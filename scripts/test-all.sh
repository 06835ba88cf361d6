#!/usr/bin/env bash
# Run the whole test suite twice: on SQLite, then on a throw-away PostgreSQL cluster.
# Both passes always run; the script fails if either fails. Extra arguments go to pytest.
#
#   PYTEST_WORKERS=2 scripts/test-all.sh     run each pass on two pytest-xdist workers
set -uo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
workers=${PYTEST_WORKERS:-0}
xdist=()
if [ "$workers" != "0" ]; then
    # loadfile keeps each file's tests on one worker (one browser for the browser tests).
    xdist=(-n "$workers" --dist loadfile)
fi
# Every xdist worker must collect the same tests in the same order, so they share one
# hash seed; it still changes from run to run, and is printed so a run can be repeated.
export PYTHONHASHSEED=${PYTHONHASHSEED:-$RANDOM}
echo "PYTHONHASHSEED=$PYTHONHASHSEED"

run_pass() {
    local name=$1
    shift
    echo
    echo "=== pytest on $name ==="
    "$PYTHON" -m pytest "${xdist[@]}" "$@"
    local status=$?
    case $status in
        0) echo "=== $name: passed ===" ;;
        5) echo "=== $name: FAILED: pytest collected no tests ===" ;;
        *) echo "=== $name: FAILED (pytest exit status $status) ===" ;;
    esac
    return $status
}

started=$SECONDS
sqlite_status=0
# An empty DATABASE_URL means the default SQLite database (tests use an in-memory copy).
DATABASE_URL= run_pass SQLite "$@" || sqlite_status=$?

cluster=$(mktemp -d "${TMPDIR:-/tmp}/commonwork-pg.XXXXXX")
stop_cluster() {
    scripts/pg-cluster.sh stop "$cluster"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM  # exiting runs the EXIT trap, which stops the cluster
postgres_status=0
if port=$(scripts/pg-cluster.sh start "$cluster"); then
    DATABASE_URL="postgres://commonwork@127.0.0.1:$port/commonwork" \
        run_pass "PostgreSQL (port $port)" "$@" || postgres_status=$?
else
    echo "=== PostgreSQL: FAILED: the throw-away cluster did not start ==="
    postgres_status=1
fi

echo
echo "SQLite pass: exit $sqlite_status; PostgreSQL pass: exit $postgres_status;" \
    "$((SECONDS - started)) s in all."
if [ "$sqlite_status" -ne 0 ] || [ "$postgres_status" -ne 0 ]; then
    exit 1
fi
