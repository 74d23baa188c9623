#!/usr/bin/env bash
# Browser end-to-end test, once on SQLite and once on PostgreSQL.
# Expects the SPA in frontend/dist (`just frontend`) and the tools from scripts/setup.sh.
# Builds the debug server binary, then runs for each database e2e/run.mjs (an admin's first day:
# invite, sessions, language), e2e/timetable.mjs (issue 4: the demo school's "Today", a
# substitute assigned and seen by the substitute), e2e/journal.mjs (issue 5: marks and an
# absence typed into the demo school's journal with the keyboard, seen with the same average in
# the parent's diary and marks page), e2e/finals.mjs (issue 6: on the demo school with marks,
# two days after quarter 1, the class teacher of 4Б accepts the suggested quarter marks in the
# journal grid — one by Enter, the rest with «Принять все» — the principal's Закрытие периода
# shows nothing missing for 4Б, the parent sees the quarter marks, tries «Что если?», prints the
# report card and downloads its CSV) and e2e/reports.mjs (issue 7: on the demo school with marks,
# in the week of 27.11, the principal's quality report of quarter 1 — chart, table and CSV as the
# API, the XLSX download — and the journal-keeping control a week back with the drill-down into a
# course's lessons without a topic; a teacher sees only her own control rows, a parent no
# reports), then e2e/roles.mjs (a fresh school, role by role: the admin imports the fixture
# files through the import page, links a second child to a parent and prints invite slips — a
# teacher's from the person card, the class's sheet; the teacher registers with a slip, goes from
# Сегодня into the journal, types marks, an absence, a topic, homework and a quarter mark; the
# parent of two children registers with a slip, switches children in the diary, sees the marks
# and the journal's average on Оценки and tries «Что если?»; a second browser writing the same
# journal cell sees the 412 conflict; sessions and logout). On PostgreSQL only,
# e2e/instances.mjs (issue 8: two `otmetka serve` on one database, no browser — sessions,
# journal writes and admin changes made on one are seen on the other at once, a stale journal
# write is a 412, failed-login counters and the /auth rate limiter are per instance); it is
# skipped on SQLite, whose file is not shared by several servers.
# Each scenario is bounded by its own watchdog and, should that fail, by `timeout`
# (E2E_TIMEOUT seconds, default 420).
# The binary is built by the same cargo command as `just test` runs (with --no-run): a plain
# `cargo build -p otmetka-api` resolves other dependency features (no dev-dependencies) and would
# compile much of the tree a second time.
# Screenshots: target/e2e/sqlite/, target/e2e/postgres/ (timetable.mjs's are tt-*.png,
# journal.mjs's jr-*.png, finals.mjs's fn-*.png, reports.mjs's rp-*.png, roles.mjs's rl-*.png;
# instances.mjs leaves only its servers' logs ii-server*.log).
# Usage: scripts/e2e.sh [sqlite|postgres]...   (default: both)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

[ -f frontend/dist/index.html ] || die "frontend/dist/index.html is missing: run \`just frontend\` first"
[ -d e2e/node_modules/playwright-core ] || die "e2e/node_modules is missing: run \`just setup\` first"

log "building the server (debug)"
cargo test --workspace --exclude otmetka-web --no-run

server="$(target_dir)/debug/otmetka"
dbs=("$@")
[ "${#dbs[@]}" -gt 0 ] || dbs=(sqlite postgres)

scenarios=(run timetable journal finals reports roles)
limit="${E2E_TIMEOUT:-420}"

failed=()
for db in "${dbs[@]}"; do
    if [ "$db" = postgres ]; then
        TEST_DATABASE_URL="$(scripts/pg.sh)"
        export TEST_DATABASE_URL
    fi
    runs=("${scenarios[@]}")
    if [ "$db" = postgres ]; then
        runs+=(instances) # several servers need a shared database
    fi
    for scenario in "${runs[@]}"; do
        log "browser test ${scenario}.mjs on ${db}"
        # Every scenario runs even when an earlier one fails, so that one run shows every failure.
        if ! timeout --kill-after=15 "$limit" node "e2e/${scenario}.mjs" --server "$server" \
            --static-dir frontend/dist --db "$db" --screenshots "$(target_dir)/e2e/${db}"; then
            failed+=("${db}/${scenario}.mjs")
        fi
    done
done

if [ "${#failed[@]}" -gt 0 ]; then
    die "browser test FAILED on: ${failed[*]}"
fi
log "browser test passed on: ${dbs[*]}"
