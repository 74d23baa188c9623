#!/usr/bin/env bash
# Installs what building the SPA and running the tests need, and only what is missing:
#   - the wasm32-unknown-unknown target (rustup)
#   - trunk 0.21 and wasm-bindgen-cli (the version pinned in Cargo.lock) (cargo install)
#   - wasm-opt: npm's binaryen pinned in frontend/package-lock.json (npm ci in frontend/; Node.js
#     and npm from apt, as root, when missing) — never Debian's binaryen, which breaks the module
#   - Debian's chromium + chromium-driver (apt, as root; otherwise says what to install)
#   - Node.js/npm (apt, as root, when missing) and e2e/node_modules (npm ci)
#   - schemathesis (pinned in scripts/lib.sh) for the API fuzzing (scripts/fuzz.sh), from PyPI into
#     the virtualenv target/fuzz-venv (python3 -m venv; Debian's python3 and python3-venv from
#     apt, as root, when missing)
# Safe to run again: every step first checks whether its tool is already there.
# Usage: scripts/setup.sh          everything (building and testing)
#        scripts/setup.sh --build  only what building the SPA needs (target, trunk, wasm-bindgen-cli,
#                                  wasm-opt)
set -euo pipefail

build_only=""
case "${1:-}" in
    --build) build_only=1 ;;
    "") ;;
    *) echo "usage: $0 [--build]" >&2; exit 2 ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

missing=()

# --- Rust: wasm target -------------------------------------------------------------------------
if command -v rustup >/dev/null 2>&1; then
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        log "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
else
    missing+=("the wasm32-unknown-unknown Rust target (rustup is not on PATH)")
fi

# --- trunk 0.21 (0.22 needs a newer Rust than this project's toolchain) -----------------------
if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
    log "installing trunk 0.21 (a few minutes)"
    cargo install trunk --version '~0.21' --locked
fi

# --- wasm-bindgen-cli: must equal the wasm-bindgen crate in Cargo.lock ------------------------
wb_version="$(wasm_bindgen_version)"
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen ${wb_version}"; then
    log "installing wasm-bindgen-cli ${wb_version} (a few minutes)"
    # Without --locked: its own lockfile pins a yanked dependency.
    cargo install wasm-bindgen-cli --version "${wb_version}" --force
fi

# --- wasm-opt: npm's binaryen, which `just frontend` puts on PATH for trunk -------------------
if [ ! -x frontend/node_modules/.bin/wasm-opt ]; then
    if ! command -v npm >/dev/null 2>&1 && is_root && command -v apt-get >/dev/null 2>&1; then
        apt_install nodejs npm
    fi
    if command -v npm >/dev/null 2>&1; then
        log "installing wasm-opt (npm's binaryen: npm ci in frontend/)"
        (cd frontend && npm ci --no-audit --no-fund)
    else
        missing+=("frontend/node_modules for wasm-opt (needs npm; then: cd frontend && npm ci)")
    fi
fi

if [ -n "$build_only" ]; then
    if [ "${#missing[@]}" -gt 0 ]; then
        log "still missing: ${missing[*]}"
        exit 1
    fi
    exit 0
fi

# --- Debian packages: Chromium for the browser test, Node.js for its driver -------------------
apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
command -v chromedriver >/dev/null 2>&1 || apt_packages+=(chromium-driver)
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)
if [ "${#apt_packages[@]}" -gt 0 ]; then
    if is_root && command -v apt-get >/dev/null 2>&1; then
        apt_install "${apt_packages[@]}"
    else
        missing+=("Debian packages: ${apt_packages[*]} (sudo apt-get install -y ${apt_packages[*]})")
    fi
fi

# --- e2e/node_modules --------------------------------------------------------------------------
if [ ! -d e2e/node_modules/playwright-core ]; then
    if command -v npm >/dev/null 2>&1; then
        log "installing the browser test's packages (npm ci in e2e/)"
        (cd e2e && npm ci --no-audit --no-fund)
    else
        missing+=("e2e/node_modules (needs npm; then: cd e2e && npm ci)")
    fi
fi

# --- schemathesis in target/fuzz-venv (the API fuzzing, scripts/fuzz.sh) -----------------------
if ! schemathesis_ready; then
    venv="$(fuzz_venv)"
    # `python3 -m venv` needs ensurepip, which Debian ships separately (python3-venv).
    if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
        if is_root && command -v apt-get >/dev/null 2>&1; then
            apt_install python3 python3-venv
        fi
    fi
    if python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
        log "installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv} (pip)"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==${SCHEMATHESIS_VERSION}"
        schemathesis_ready || missing+=("schemathesis ${SCHEMATHESIS_VERSION} in ${venv} (the pip install did not give it)")
    else
        missing+=("python3 with venv for the API fuzzing (sudo apt-get install -y python3 python3-venv)")
    fi
fi

if [ "${#missing[@]}" -gt 0 ]; then
    log "still missing (install them, then run this again):"
    for m in "${missing[@]}"; do log "  - $m"; done
    exit 1
fi
log "tools are in place"
