#!/usr/bin/env bash
# Browser end-to-end test, once on SQLite and once on PostgreSQL.
# Expects the SPA in frontend/dist (`just frontend`) and the tools from scripts/setup.sh.
# Builds the debug server binary, then runs e2e/run.mjs for each database.
# The binary is built by the same cargo command as `just test` runs (with --no-run): a plain
# `cargo build -p otmetka-api` resolves other dependency features (no dev-dependencies) and would
# compile much of the tree a second time.
# Screenshots: target/e2e/sqlite/, target/e2e/postgres/.
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

failed=()
for db in "${dbs[@]}"; do
    if [ "$db" = postgres ]; then
        TEST_DATABASE_URL="$(scripts/pg.sh)"
        export TEST_DATABASE_URL
    fi
    log "browser test on ${db}"
    if ! node e2e/run.mjs --server "$server" --static-dir frontend/dist --db "$db" \
        --screenshots "$(target_dir)/e2e/${db}"; then
        failed+=("$db")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    die "browser test FAILED on: ${failed[*]}"
fi
log "browser test passed on: ${dbs[*]}"
