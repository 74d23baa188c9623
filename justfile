# Otmetka task runner. `./x RECIPE` installs `just` when it is missing and runs the recipe.
# `just --list` shows the recipes with their descriptions.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Show the recipes.
default:
    @{{just_executable()}} --list --unsorted --justfile {{justfile()}}

# Install the build and test tools that are missing (wasm target, trunk, wasm-bindgen-cli, Chromium, e2e npm packages, schemathesis).
setup:
    @scripts/setup.sh

_setup-build:
    @scripts/setup.sh --build

# Build the SPA (release) into frontend/dist; wasm-opt is npm's binaryen from frontend/node_modules.
frontend: _setup-build
    cd frontend && PATH="$PWD/node_modules/.bin:$PATH" trunk build --release

# Build everything and serve Otmetka with demo accounts (extra ARGS go to `otmetka serve`).
run *ARGS: frontend
    cargo build --release -p otmetka-api --bin otmetka
    @echo
    @echo "  Otmetka: http://${OTMETKA_BIND:-127.0.0.1:8080}/   (API docs: /api/docs/, stop with Ctrl+C)"
    @echo "  The demo logins are printed below when the database is new."
    @echo
    cargo run --release -p otmetka-api --bin otmetka -- serve --demo {{ARGS}}

# Start the local PostgreSQL when it is down, ensure the test role, print TEST_DATABASE_URL.
pg:
    #!/usr/bin/env bash
    set -euo pipefail
    url="$(scripts/pg.sh)"
    echo "export TEST_DATABASE_URL='$url'"

# Every test: Rust unit and integration tests on SQLite and PostgreSQL, then the browser test and the API fuzzing.
test: setup && frontend _e2e-fuzz
    #!/usr/bin/env bash
    set -euo pipefail
    TEST_DATABASE_URL="$(scripts/pg.sh)"
    export TEST_DATABASE_URL
    # The server crates, then the SPA's host unit tests. Two runs: the e2e test reuses the first
    # run's build of the `otmetka` binary (same command, --no-run), and the SPA's dependencies
    # would change the server's dependency features.
    # Both run even when the first fails, so that one CI run shows every failure.
    status=0
    cargo test --workspace --exclude otmetka-web --no-fail-fast || status=1
    cargo test -p otmetka-web --no-fail-fast || status=1
    exit "$status"

# Browser end-to-end test on SQLite and PostgreSQL (DBS: sqlite, postgres; default both).
e2e *DBS: setup frontend (_e2e DBS)

_e2e *DBS:
    scripts/e2e.sh {{DBS}}

# API fuzzing (schemathesis) as the demo admin and teacher on SQLite and PostgreSQL (DBS: sqlite, postgres; default both).
fuzz *DBS: setup (_fuzz DBS)

_fuzz *DBS:
    scripts/fuzz.sh {{DBS}}

# The browser test, then the API fuzzing; the fuzzing runs even when the browser test fails.
_e2e-fuzz:
    #!/usr/bin/env bash
    set -uo pipefail
    status=0
    scripts/e2e.sh || status=1
    scripts/fuzz.sh || status=1
    exit "$status"

# Benchmark (not part of `test`, release build): the DESIGN §7 reference school under load on SQLite and PostgreSQL; prints every budget with its figure and writes BENCHMARKS.md. BENCH_REPORTS=1 also times the reports on the demo school.
bench: setup
    #!/usr/bin/env bash
    set -euo pipefail
    TEST_DATABASE_URL="$(scripts/pg.sh)"
    export TEST_DATABASE_URL
    cargo build --release -p otmetka-api --bin otmetka
    cargo build --release -p otmetka-bench
    for db in sqlite postgres; do
        node bench/bench.mjs --server target/release/otmetka --db "$db" --screenshots "target/bench/$db"
    done
    node bench/report.mjs --dir target/bench --write BENCHMARKS.md
    if [ -n "${BENCH_REPORTS:-}" ]; then
        for db in sqlite postgres; do
            node bench/reports.mjs --server target/release/otmetka --db "$db" --screenshots "target/bench/reports-$db"
        done
    fi

# Format all Rust code.
fmt:
    cargo fmt --all

# rustfmt check, clippy for the server crates (host) and for the SPA (wasm32), warnings are errors.
lint:
    @rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
    cargo fmt --all --check
    cargo clippy --workspace --exclude otmetka-web --all-targets -- -D warnings
    cargo clippy -p otmetka-web --target wasm32-unknown-unknown -- -D warnings

# Regenerate openapi/openapi.json from the code.
openapi:
    cargo run -p otmetka-api --bin otmetka -- export-openapi --out openapi/openapi.json

# What CI runs: every test, then the linters.
ci: test lint
