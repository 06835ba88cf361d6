#!/usr/bin/env bash
# Install the system packages the test suite needs, only those that are missing:
# Chromium and its driver (browser tests), a CJK font (Chinese text in screenshots) and
# PostgreSQL 15's server binaries (the PostgreSQL pass of `make test`) and gettext (the
# test that the committed .mo catalogue is the .po compiled) and Redis (the cluster's
# queue, started by the cluster tests and `make run-cluster`).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
[ -x "$PG_BIN/initdb" ] || missing+=(postgresql-15)
command -v msgfmt >/dev/null || missing+=(gettext)
command -v redis-server >/dev/null || missing+=(redis-server)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        echo "Missing system packages: ${missing[*]}; install them as root:" >&2
        echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
