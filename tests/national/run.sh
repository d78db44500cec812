#!/usr/bin/env bash
# tests/national/run.sh CONNINFO [BUILD_DIR]: the national view across certification bodies
# (issue 17) against the throwaway PostgreSQL of scripts/test (CONNINFO as pg_url prints it:
# host=... port=... user=giteki ...). Two bodies and an aggregator, each with a database of its
# own in that cluster, on free ports; tests/national/national.py says what is checked. Logs:
# var/test-logs/national-*.log. Exit status 0 only when every check held.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CONN=${1:?usage: tests/national/run.sh CONNINFO [BUILD_DIR]}
BUILD=${2:-$ROOT/build}
host=$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$CONN")
port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$CONN")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/giteki-national.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
python3 "$ROOT/tests/national/national.py" --giteki "$BUILD/giteki" --pg-host "${host:-127.0.0.1}" \
    --pg-port "$port" --work "$WORK" --logs "$ROOT/var/test-logs"
exit $?
