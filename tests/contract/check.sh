#!/usr/bin/env bash
# The contract tests of docs/openapi.yaml (issue 22). scripts/test runs this after the API
# tests; `npm ci` here first installs the pinned tools of package.json.
#
# usage: tests/contract/check.sh [--record FILE] [--out DIR]
#   1. redocly lint under the recommended rules: 0 errors and 0 warnings, or it fails
#   2. openapi-typescript generates the TypeScript types of the document into DIR, and tsc
#      compiles them with a small client that uses them (client.ts)
#   3. with --record (the exchanges of api_tests --record), every response of a documented
#      operation is checked against the document (validate.js)
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RECORD=
OUT=$ROOT/var/contract
while [ $# -gt 0 ]; do
    case $1 in
    --record) RECORD=$2; shift ;;
    --out) OUT=$2; shift ;;
    *) printf 'unknown argument %s\n' "$1" >&2; exit 2 ;;
    esac
    shift
done
BIN=$HERE/node_modules/.bin
[ -x "$BIN/redocly" ] || { printf 'run npm ci in %s first\n' "$HERE"; exit 1; }
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
mkdir -p "$OUT"
fail=0

printf '== redocly lint (recommended rules)\n'
"$BIN/redocly" lint "$ROOT/docs/openapi.yaml" --format=stylish >"$OUT/lint.txt" 2>&1
lint_rc=$?
grep -vE '║|═' "$OUT/lint.txt" | grep -vE '^\s*$'
if [ "$lint_rc" -ne 0 ] || grep -qE '(error|warning) ' "$OUT/lint.txt"; then
    printf 'FAIL redocly lint: errors or warnings above\n'
    fail=1
else
    printf 'contract: redocly lint: 0 errors, 0 warnings\n'
fi

printf '== openapi-typescript + tsc\n'
if "$BIN/openapi-typescript" "$ROOT/docs/openapi.yaml" -o "$OUT/giteki-api.d.ts" &&
    cp "$HERE/client.ts" "$OUT/client.ts" &&
    "$BIN/tsc" --strict --noEmit --target es2022 --module nodenext --moduleResolution nodenext \
        --skipLibCheck false "$OUT/client.ts"; then
    printf 'contract: %s generated (%s lines) and compiled by tsc\n' "$OUT/giteki-api.d.ts" \
        "$(wc -l <"$OUT/giteki-api.d.ts")"
else
    printf 'FAIL the TypeScript types of the document\n'
    fail=1
fi

if [ -n "$RECORD" ]; then
    printf '== responses of the API tests against the document\n'
    node "$HERE/validate.js" --record "$RECORD" || fail=1
fi
exit "$fail"
