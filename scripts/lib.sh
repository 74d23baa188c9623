# shellcheck shell=bash
# Shared helpers for scripts/*.sh (sourced, not run).

log() { printf '%s: %s\n' "$(basename "$0" .sh)" "$*" >&2; }

die() { log "$*"; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# apt-get install PACKAGE... (root only); runs `apt-get update` once per process first.
_apt_updated=""
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$_apt_updated" ]; then
        log "apt-get update"
        apt-get update -qq
        _apt_updated=1
    fi
    log "apt-get install -y $*"
    apt-get install -y -qq "$@"
}

# The wasm-bindgen crate version in Cargo.lock (wasm-bindgen-cli must equal it).
wasm_bindgen_version() {
    local v=""
    if [ -f Cargo.lock ]; then
        v="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/^version = "|"$/, ""); print; exit }' Cargo.lock)"
    fi
    echo "${v:-0.2.130}"
}

# Where cargo puts build output.
target_dir() { echo "${CARGO_TARGET_DIR:-target}"; }

# The API fuzzer (scripts/fuzz.sh): schemathesis from PyPI, pinned, in a project-local virtualenv
# under the (git-ignored) target folder.
SCHEMATHESIS_VERSION=4.32.5
fuzz_venv() { echo "$(target_dir)/fuzz-venv"; }

# Whether the fuzz virtualenv holds exactly the pinned schemathesis.
schemathesis_ready() {
    "$(fuzz_venv)/bin/schemathesis" --version 2>/dev/null | grep -qx "schemathesis, version ${SCHEMATHESIS_VERSION}"
}
