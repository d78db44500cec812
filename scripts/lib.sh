# shellcheck shell=bash
# Shared shell functions of scripts/run and scripts/test. Source it; it defines functions and
# a few variables only, and changes no shell option of the caller.
#
#   GITEKI_ROOT   the repository (set here from this file's location)
#   GITEKI_JOBS   parallel build jobs (default: number of CPUs)
#   GITEKI_E2E=1  also install what the browser tests need (see ensure_packages)

GITEKI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export GITEKI_ROOT

# Debian 12 packages the build, the unit/db/api tests and the benchmark need.
GITEKI_PACKAGES=(build-essential cmake pkg-config libmicrohttpd-dev libpq-dev libjansson-dev
    libxml2-dev libxml2-utils libssl-dev libcmocka-dev libcurl4-openssl-dev libutf8proc-dev
    clang-format postgresql-15
    postgresql-client-15 wrk clang libclang-rt-14-dev curl ca-certificates python3
    libqrencode-dev libpng-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk fonts-dejavu-core
    poppler-utils zbar-tools nodejs npm libcrack2-dev cracklib-runtime
    python3-aiosmtpd)
# Node and npm run the contract tests (tests/contract: redocly, openapi-typescript, the
# response validator) on every API run. The end-to-end browser tests (tests/e2e, issue 9) add
# these, installed when GITEKI_E2E=1 (scripts/test sets it unless told GITEKI_E2E=0): Debian's
# chromium (playwright-core drives it; it never downloads a browser of its own), Japanese
# fonts, without which the Japanese pages render as empty boxes in the screenshots of
# docs/user-guide.md, and Java for the Nu HTML Checker (vnu-jar) run on the visited pages.
GITEKI_E2E_PACKAGES=(chromium fonts-noto-cjk default-jre-headless)

# ---------------------------------------------------------------------------------------------
# Messages. Everything for humans goes to stderr, so functions can print results on stdout.

say() { printf '%s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Milliseconds since the epoch (for stage timings).
now_ms() { date +%s%3N; }

# "12.3s" from a duration in milliseconds.
fmt_ms() { printf '%d.%01ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root for: $* (run as root or install sudo)"
    fi
}

# ---------------------------------------------------------------------------------------------
# Packages

# Print the packages of the arguments that dpkg does not report as installed.
missing_packages() {
    local p status
    for p in "$@"; do
        # NodeSource's nodejs (on these machines) bundles npm and conflicts with Debian's npm
        # package: an npm already on the PATH is enough.
        if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        case $status in
        *" installed") ;;
        *) printf '%s\n' "$p" ;;
        esac
    done
}

# Install, with apt-get, only what is missing of GITEKI_PACKAGES (and GITEKI_E2E_PACKAGES when
# GITEKI_E2E=1). Needs root or sudo only when something is missing, so a prepared machine runs
# this without privileges.
ensure_packages() {
    local wanted=("${GITEKI_PACKAGES[@]}")
    if [ "${GITEKI_E2E:-0}" = 1 ]; then
        wanted+=("${GITEKI_E2E_PACKAGES[@]}")
    fi
    if ! command -v dpkg-query >/dev/null 2>&1; then
        warn "not a Debian system (no dpkg-query): install these yourself: ${wanted[*]}"
        return 0
    fi
    local missing
    mapfile -t missing < <(missing_packages "${wanted[@]}")
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    say "installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
        die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" || die "apt-get install failed for: ${missing[*]}"
}

# ---------------------------------------------------------------------------------------------
# Builds

build_jobs() { printf '%s' "${GITEKI_JOBS:-$(nproc 2>/dev/null || echo 2)}"; }

# build: the normal build in build/ (build/giteki, build/api_tests, unit tests). The scripts
# build with warnings as errors (a plain cmake build only warns).
build() {
    cmake -S "$GITEKI_ROOT" -B "$GITEKI_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DGITEKI_WERROR=ON &&
        cmake --build "$GITEKI_ROOT/build" -j"$(build_jobs)"
}

# build_asan: the AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/.
build_asan() {
    cmake -S "$GITEKI_ROOT" -B "$GITEKI_ROOT/build-asan" -DCMAKE_BUILD_TYPE=Debug \
        -DGITEKI_SANITIZE=ON -DGITEKI_WERROR=ON &&
        cmake --build "$GITEKI_ROOT/build-asan" -j"$(build_jobs)"
}

# ---------------------------------------------------------------------------------------------
# Ports and HTTP

# Whether something uses TCP port $1 on this machine (listening or not yet closed).
port_in_use() {
    if command -v ss >/dev/null 2>&1; then
        [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

# free_port [FIRST]: print an unused TCP port: FIRST or the next free one above it, or, without
# FIRST, one from a random start in 20000-59999 (so parallel runs rarely collide).
free_port() {
    local port=${1:-$((20000 + RANDOM % 40000))} last
    last=$((port + 200))
    while [ "$port" -le "$last" ]; do
        if ! port_in_use "$port"; then
            printf '%s\n' "$port"
            return 0
        fi
        port=$((port + 1))
    done
    say "no free TCP port in ${1:-the random range} .. $last"
    return 1
}

# wait_http URL TIMEOUT [PID]: wait until URL answers 2xx, at most TIMEOUT seconds. With PID,
# give up as soon as that process has died (a server that crashed at start).
wait_http() {
    local url=$1 timeout=$2 pid=${3:-} deadline
    deadline=$(($(date +%s) + timeout))
    while :; do
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
            return 0
        fi
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            say "process $pid exited before $url answered"
            return 1
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            say "$url did not answer within ${timeout}s"
            return 1
        fi
        sleep 0.2
    done
}

# http_status URL [curl options...]: print the HTTP status of a GET (000 when no answer).
http_status() {
    local url=$1
    shift
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "$url" || true
}

# ---------------------------------------------------------------------------------------------
# A private PostgreSQL cluster: DIR/data (the cluster), DIR/postgres.log, the unix socket in
# DIR, TCP on 127.0.0.1:PORT only, superuser `giteki` with trust authentication (it accepts
# connections from this machine only), and a database `giteki`.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` system
# user (created by the postgresql package) and every server-side command runs as that user.

pg_bin_dir() {
    local d
    for d in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null)"; do
        if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            printf '%s\n' "$d"
            return 0
        fi
    done
    say "PostgreSQL 15 server binaries not found (package postgresql-15)"
    return 1
}

# Run a command as the owner of the clusters we create.
pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# pg_url DIR PORT: the libpq connection string of the cluster.
pg_url() { printf 'host=127.0.0.1 port=%s user=giteki dbname=giteki\n' "$2"; }

# pg_running DIR: whether the cluster in DIR is running.
pg_running() {
    local bin
    bin=$(pg_bin_dir) || return 1
    [ -f "$1/data/PG_VERSION" ] && pg_as_owner "$bin/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

# pg_port DIR: the port of the running cluster in DIR (line 4 of postmaster.pid).
pg_port() { sed -n 4p "$1/data/postmaster.pid" 2>/dev/null; }

# pg_start DIR PORT [test]: create the cluster if DIR has none, start it on PORT, wait until
# it accepts connections and make sure database `giteki` exists. With `test`, the cluster is
# created with fsync and synchronous commit off: fast, and fine for data we throw away.
pg_start() {
    local dir=$1 port=$2 mode=${3:-} bin deadline
    bin=$(pg_bin_dir) || return 1
    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || {
            say "no 'postgres' system user: install postgresql-15"
            return 1
        }
        chown postgres:postgres "$dir" || return 1
        chmod 700 "$dir" || return 1
        if ! runuser -u postgres -- test -w "$dir"; then
            say "user postgres cannot reach $dir (a parent folder is closed to it);" \
                "choose another folder (GITEKI_PG_DIR) or open the parents with chmod o+x"
            return 1
        fi
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        if ! pg_as_owner "$bin/initdb" -D "$dir/data" -U giteki -A trust -E UTF8 \
            --locale=C.UTF-8 -N >"$dir/initdb.log" 2>&1; then
            cat "$dir/initdb.log" >&2
            return 1
        fi
        {
            printf "listen_addresses = '127.0.0.1'\n"
            printf "unix_socket_directories = '%s'\n" "$dir"
            printf "max_connections = 200\n"
            if [ "$mode" = test ]; then
                printf "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            fi
        } | pg_as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
    fi
    if ! pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "-p $port" \
        -w -t 60 start >/dev/null; then
        say "PostgreSQL did not start; its log ($dir/postgres.log) ends with:"
        tail -n 20 "$dir/postgres.log" >&2
        return 1
    fi
    deadline=$(($(date +%s) + 30))
    until pg_isready -q -h 127.0.0.1 -p "$port" -U giteki -d postgres -t 1; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            say "PostgreSQL on port $port is not ready after 30s"
            return 1
        fi
        sleep 0.2
    done
    if [ "$(psql -X -h 127.0.0.1 -p "$port" -U giteki -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'giteki'")" != 1 ]; then
        createdb -h 127.0.0.1 -p "$port" -U giteki giteki || return 1
    fi
}

# pg_stop DIR: stop the cluster in DIR if it runs (fast: open connections are ended).
pg_stop() {
    local dir=$1 bin
    bin=$(pg_bin_dir) || return 1
    if pg_running "$dir"; then
        pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    fi
}

# ---------------------------------------------------------------------------------------------
# Database roles (issue 18 item 15). The cluster's superuser `giteki` owns the tables and runs
# the migrations (GITEKI_MIGRATE_DATABASE_URL); `giteki serve` connects as `giteki_serve`, a
# login role in the group role `giteki_app`, which may read and write rows but owns nothing
# (schema/0019_roles_checkpoints.sql grants it what it needs: no DDL, no UPDATE or DELETE on
# append-only tables, no switching triggers off).

# pg_ensure_roles PORT: create giteki_app (NOLOGIN) and giteki_serve (LOGIN, member of
# giteki_app) in the cluster on PORT unless they exist.
pg_ensure_roles() {
    psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U giteki -d postgres >/dev/null <<'SQL'
SET client_min_messages = warning;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'giteki_app') THEN
        CREATE ROLE giteki_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'giteki_serve') THEN
        CREATE ROLE giteki_serve LOGIN;
    END IF;
END $$;
GRANT giteki_app TO giteki_serve;
SQL
}

# pg_app_url DIR PORT: the connection string `giteki serve` uses (the application role).
pg_app_url() { printf 'host=127.0.0.1 port=%s user=giteki_serve dbname=giteki\n' "$2"; }

# allow_root_for_tests: PostgreSQL runs as `postgres`, but the scripts' own processes run as
# whoever calls them; `giteki serve` refuses root unless GITEKI_ALLOW_ROOT=1. The test and
# benchmark scripts set it (with a warning) so they keep working on root-only CI machines.
allow_root_for_tests() {
    if [ "$(id -u)" -eq 0 ] && [ -z "${GITEKI_ALLOW_ROOT:-}" ]; then
        warn "running as root: the server gets GITEKI_ALLOW_ROOT=1 (tests and the local demo only)"
        export GITEKI_ALLOW_ROOT=1
    fi
}

# Mail (issue 19): a real SMTP server that stores what it receives as files (scripts/mailsink,
# Debian python3-aiosmtpd on the system Python).

# mailsink_start DIR PORT LOG: start one in the background; prints its pid once it listens.
mailsink_start() {
    local dir=$1 port=$2 log=$3 pid
    mkdir -p "$dir" || return 1
    /usr/bin/python3 "$GITEKI_ROOT/scripts/mailsink" --dir "$dir" --port "$port" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
        if grep -q 'listening' "$log" 2>/dev/null; then
            printf '%s\n' "$pid"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$log" >&2
    kill "$pid" 2>/dev/null
    return 1
}
