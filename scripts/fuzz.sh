#!/usr/bin/env bash
# API fuzzing with schemathesis (pinned in scripts/lib.sh, installed by scripts/setup.sh into
# target/fuzz-venv), once on SQLite and once on PostgreSQL.
# For each database: `otmetka serve --demo` (the debug binary, built by the same cargo command as
# `just test` and scripts/e2e.sh) on a fresh database (a SQLite file in a temporary folder, or a
# PostgreSQL database created through TEST_DATABASE_URL and dropped afterwards) with the clock
# fixed on a school day, then schemathesis against its `/api/v1/openapi.json`, once signed in as
# the demo `admin` and once as the demo `teacher`: every phase (examples, coverage, fuzzing,
# stateful) and schemathesis's default checks — no 5xx, status codes, content types, headers and bodies as the
# spec documents them, bad input refused with a 4xx, schema-valid input accepted.
# Any failure exits non-zero after schemathesis's report (with a `curl` reproduction of each
# failure) has been printed; reports (JUnit, NDJSON) and the server log are kept in
# target/fuzz/<db>/.
# Knobs: FUZZ_EXAMPLES (random test cases per operation in the fuzzing phase, default 6; the
# coverage phase's boundary and negative cases do not depend on it and take most of the time),
# FUZZ_SEED (default 1), FUZZ_WORKERS (default 2; more trip a thread-safety race inside
# hypothesis, reported as "Runtime Error: KeyError"), FUZZ_TIMEOUT (seconds per schemathesis run,
# default 300). About 5 to 6½ minutes for both databases and both roles on 2 cores.
# Usage: scripts/fuzz.sh [sqlite|postgres]...   (default: both)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

schemathesis_ready || die "schemathesis ${SCHEMATHESIS_VERSION} is missing in $(fuzz_venv): run \`just setup\` (scripts/setup.sh) first"
command -v curl >/dev/null 2>&1 || die "curl is missing (apt-get install -y curl)"

dbs=("$@")
[ "${#dbs[@]}" -gt 0 ] || dbs=(sqlite postgres)
for db in "${dbs[@]}"; do
    case "$db" in
        sqlite | postgres) ;;
        *) die "unknown database '$db' (usage: $0 [sqlite|postgres]...)" ;;
    esac
done

log "building the server (debug)"
cargo test --workspace --exclude otmetka-web --no-run

server_bin="$(target_dir)/debug/otmetka"
schemathesis="$(fuzz_venv)/bin/schemathesis"
examples="${FUZZ_EXAMPLES:-6}"
seed="${FUZZ_SEED:-1}"
workers="${FUZZ_WORKERS:-2}"
limit="${FUZZ_TIMEOUT:-300}"
# A Thursday of the second quarter: lessons, marks windows and reports all have data "today".
fixed_clock="2026-12-03T15:00:00+03:00"
demo_password="otmetka-demo"

# What the fuzzer must leave alone, because it would end the very session whose token the run
# uses (every later request would then be a 401 and test nothing):
#   - POST /auth/logout ends the session of the bearer token it is sent with;
#   - DELETE /me/sessions and DELETE /me/sessions/{session_id} end sessions, the stateful phase
#     feeds them the token's own session id from GET /me.
# Changing the password stays in: the fuzzer never knows the current password, so it only
# exercises the refusals.
excludes=(
    --exclude-path /api/v1/auth/logout
    --exclude-path /api/v1/me/sessions
    --exclude-path '/api/v1/me/sessions/{session_id}'
)

tmp="$(mktemp -d "${TMPDIR:-/tmp}/otmetka-fuzz-XXXXXX")"
server_pid=""
created_db=""
admin_url=""

stop_server() {
    if [ -n "$server_pid" ]; then
        kill -TERM -- "-$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL -- "-$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}

drop_db() {
    if [ -n "$created_db" ]; then
        psql "$admin_url" -qtAc "DROP DATABASE IF EXISTS ${created_db} WITH (FORCE)" >/dev/null 2>&1 \
            || log "could not drop database ${created_db}"
        created_db=""
    fi
}

cleanup() {
    stop_server
    drop_db
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# login LOGIN → the access token (on stdout).
login() {
    local body
    body="$(curl -sS --fail-with-body -H 'Content-Type: application/json' \
        -d "{\"login\":\"$1\",\"password\":\"${demo_password}\"}" "$api/auth/login")" \
        || die "login as $1 failed: $body"
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])' <<<"$body"
}

failed=()
for db in "${dbs[@]}"; do
    out="$(target_dir)/fuzz/${db}"
    rm -rf "$out"
    mkdir -p "$out"
    run_dir="$tmp/$db"
    mkdir -p "$run_dir"

    if [ "$db" = postgres ]; then
        admin_url="$(scripts/pg.sh)"
        created_db="otmetka_fuzz_$(date +%s)_$$"
        psql "$admin_url" -v ON_ERROR_STOP=1 -qtAc "CREATE DATABASE ${created_db}" >/dev/null
        db_url="${admin_url%/*}/${created_db}"
    else
        db_url="sqlite://${run_dir}/otmetka.db?mode=rwc"
    fi

    port="$(free_port)"
    base="http://127.0.0.1:${port}"
    api="$base/api/v1"
    static_dir="frontend/dist"
    [ -d "$static_dir" ] || static_dir="$run_dir/no-spa"
    log "[$db] otmetka serve --demo on $base (clock fixed at ${fixed_clock})"
    # The server's environment: nothing from the caller's OTMETKA_* configuration; its own
    # process group (setsid), so that stopping it stops everything it started.
    unset_otmetka=()
    while IFS='=' read -r name _; do
        case "$name" in OTMETKA_*) unset_otmetka+=(-u "$name") ;; esac
    done < <(env)
    env "${unset_otmetka[@]}" -u DATABASE_URL \
        OTMETKA_BIND="127.0.0.1:${port}" \
        OTMETKA_DATABASE_URL="$db_url" \
        OTMETKA_DATA_DIR="$run_dir/data" \
        OTMETKA_STATIC_DIR="$PWD/$static_dir" \
        OTMETKA_FIXED_CLOCK="$fixed_clock" \
        OTMETKA_ACCESS_TOKEN_TTL_SECS=3600 \
        OTMETKA_LOG="${FUZZ_SERVER_LOG:-error}" \
        NO_COLOR=1 \
        setsid "$server_bin" serve --demo >"$out/server.log" 2>&1 &
    server_pid=$!
    ready=""
    for _ in $(seq 1 240); do
        if curl -sf "$api/ready" >/dev/null 2>&1; then
            ready=1
            break
        fi
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.5
    done
    if [ -z "$ready" ]; then
        tail -n 40 "$out/server.log" >&2 || true
        stop_server
        drop_db
        failed+=("${db}: the server did not start")
        continue
    fi

    # Both tokens first: the fuzzing of /auth/* spends the per-IP request budget of that scope.
    admin_token="$(login admin)"
    teacher_token="$(login teacher)"
    school_id="$(curl -sS -H "Authorization: Bearer ${admin_token}" "$api/me" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["memberships"][0]["school_id"])')"

    # The teacher first: the admin's run changes the school (it may delete periods, classes …).
    for role in teacher admin; do
        if [ "$role" = admin ]; then token="$admin_token"; else token="$teacher_token"; fi
        log "[$db] schemathesis as ${role}: ${examples} examples per operation, seed ${seed}"
        started=$SECONDS
        status=0
        FUZZ_TOKEN="$token" FUZZ_SCHOOL_ID="$school_id" \
            timeout --kill-after=15 "$limit" "$schemathesis" \
            --config-file scripts/schemathesis.toml --no-color \
            run "$api/openapi.json" \
            --max-examples "$examples" --seed "$seed" --workers "$workers" \
            --suppress-health-check too_slow,filter_too_much \
            --report junit,ndjson --report-dir "$out/$role" \
            "${excludes[@]}" || status=$?
        log "[$db] schemathesis as ${role}: exit ${status} after $((SECONDS - started)) s"
        if [ "$status" -ne 0 ]; then
            failed+=("${db}/${role}")
        fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            log "[$db] the server died; the end of its log:"
            tail -n 40 "$out/server.log" >&2 || true
            failed+=("${db}: the server died")
            break
        fi
    done

    stop_server
    drop_db
done

if [ "${#failed[@]}" -gt 0 ]; then
    die "API fuzzing FAILED on: ${failed[*]} (reports in $(target_dir)/fuzz/)"
fi
log "API fuzzing passed on: ${dbs[*]}"
