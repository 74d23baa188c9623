#!/usr/bin/env bash
# Imports a school's CSVs (e.g. from `otmetka-bench generate-school DIR`) into a fresh SQLite
# database through a freshly started server, kind by kind in the documented order, and fails on
# the first kind that does not commit (row errors are printed). Prints each kind's HTTP status,
# time and counts. Not part of the test command.
#
#   cargo build -p otmetka-api -p otmetka-bench
#   target/debug/otmetka-bench generate-school /tmp/school --letters 3 --size 24-30
#   crates/bench/import-check.sh /tmp/school
#
# Options: --server BIN (default target/debug/otmetka), --port N (default: a free one),
# --keep (keep the temporary folder with the database, the server log and the answers).
# The server's other settings come from the environment as usual (e.g. OTMETKA_FIXED_CLOCK when
# the files are for an academic year other than the current one). Needs curl, jq and python3.
set -euo pipefail

SERVER=target/debug/otmetka
PORT=
KEEP=0
DIR=
while [ $# -gt 0 ]; do
  case "$1" in
    --server) SERVER=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) DIR=$1; shift ;;
  esac
done
[ -n "$DIR" ] && [ -d "$DIR" ] || { echo "usage: $0 [--server BIN] [--port N] [--keep] DIR" >&2; exit 2; }
[ -x "$SERVER" ] || { echo "no server binary $SERVER (cargo build -p otmetka-api)" >&2; exit 2; }
[ -n "$PORT" ] || PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

TMP=$(mktemp -d /tmp/otmetka-import-check.XXXXXX)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ "$KEEP" = 1 ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

export OTMETKA_DATABASE_URL="sqlite://$TMP/db.sqlite?mode=rwc"
export OTMETKA_DATA_DIR="$TMP"
export OTMETKA_BIND="127.0.0.1:$PORT"
export OTMETKA_LOG="${OTMETKA_LOG:-warn}"
export OTMETKA_ACCESS_TOKEN_TTL_SECS=3600
API="http://127.0.0.1:$PORT/api/v1"
ROOT_PASSWORD='bench-root-Password-2026'
ADMIN_PASSWORD='bench-admin-Password-2026'

"$SERVER" migrate >"$TMP/migrate.log" 2>&1
printf '%s\n' "$ROOT_PASSWORD" | "$SERVER" create-superadmin --login root --password-stdin >/dev/null
"$SERVER" serve >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  curl -sf "$API/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited:" >&2; tail -20 "$TMP/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -sf "$API/ready" >/dev/null || { echo "server not ready" >&2; exit 1; }

post() { curl -sS -H 'Content-Type: application/json' "$@"; }
ROOT=$(post -d "{\"login\":\"root\",\"password\":\"$ROOT_PASSWORD\"}" "$API/auth/login" | jq -r .access_token)
SCHOOL_ANSWER=$(post -H "Authorization: Bearer $ROOT" \
  -d '{"name":"МБОУ «СОШ № 1» (import check)","time_zone":"Europe/Moscow",
       "first_admin":{"last_name":"Петрова","first_name":"Мадина","middle_name":"Магомедовна"}}' \
  "$API/schools")
CODE=$(jq -r .admin_invite.code <<<"$SCHOOL_ANSWER")
[ -n "$CODE" ] && [ "$CODE" != null ] || { echo "creating the school: $SCHOOL_ANSWER" >&2; exit 1; }
post -d "{\"invite_code\":\"$CODE\",\"login\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" "$API/auth/register" >/dev/null
ADMIN=$(post -d "{\"login\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" "$API/auth/login" | jq -r .access_token)
SCHOOL=$(curl -sS -H "Authorization: Bearer $ADMIN" "$API/me" | jq -r '.memberships[0].school_id')
echo "server on :$PORT, school $SCHOOL, files from $DIR"

FAIL=0
START=$(date +%s.%N)
for kind in periods subjects staff classes students parents courses bell_schedule holidays timetable; do
  f="$DIR/$kind.csv"
  [ -f "$f" ] || { echo "$kind: no $f, skipped"; continue; }
  read -r status secs < <(curl -sS -o "$TMP/$kind.json" -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $ADMIN" -H 'Content-Type: text/csv' \
    --data-binary @"$f" "$API/schools/$SCHOOL/import/$kind")
  rows=$(($(wc -l <"$f") - 1))
  if [ "$status" = 200 ] && [ "$(jq -r .committed "$TMP/$kind.json")" = true ]; then
    printf '%-14s %5d rows  %s  %6.2fs  %s\n' "$kind" "$rows" "$status" "$secs" "$(jq -c .counts "$TMP/$kind.json")"
  else
    printf '%-14s %5d rows  %s  %6.2fs  NOT COMMITTED\n' "$kind" "$rows" "$status" "$secs"
    jq -c '(.errors // .report.rows // .) | if type == "array" then .[:15][] else . end' "$TMP/$kind.json" | head -c 6000
    echo
    FAIL=1
    break
  fi
done
END=$(date +%s.%N)
printf 'total %.2fs\n' "$(echo "$END - $START" | bc 2>/dev/null || python3 -c "print($END - $START)")"
if [ "$FAIL" = 1 ]; then echo "IMPORT CHECK FAILED"; exit 1; fi
echo "IMPORT CHECK OK"
