#!/bin/sh
# Run every tests/db/*.sql against a freshly migrated database.
# Usage: tests/db/run.sh DBURL
# Each file opens its own transaction and rolls it back, so the database is left unchanged
# and the order does not matter. Stops with a non-zero status at the first failing file.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 DBURL" >&2
    exit 2
fi
db=$1
dir=$(cd "$(dirname "$0")" && pwd)

count=0
for f in "$dir"/*.sql; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    if ! psql "$db" -v ON_ERROR_STOP=1 -X -q -f "$f"; then
        echo "tests/db: FAIL $name" >&2
        exit 1
    fi
    echo "tests/db: ok   $name"
    count=$((count + 1))
done
if [ "$count" -eq 0 ]; then
    echo "tests/db: no test files in $dir" >&2
    exit 1
fi
echo "tests/db: $count files passed"
