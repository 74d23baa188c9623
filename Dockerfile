# syntax=docker/dockerfile:1
# Otmetka in one image: the `otmetka` server binary and the SPA it serves.
#   docker build -t otmetka .
#   docker run -p 127.0.0.1:8080:8080 -v otmetka-data:/var/lib/otmetka otmetka   (SQLite)
# docker-compose.yml runs it against PostgreSQL.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

# ---- build tools (a layer of its own, so that code changes do not reinstall them) ----------
FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS tools
# Must equal the wasm-bindgen crate in Cargo.lock (checked below).
ARG WASM_BINDGEN_VERSION=0.2.130
RUN rustup target add wasm32-unknown-unknown
# trunk 0.22 needs a newer Rust; wasm-bindgen-cli is installed without --locked on purpose
# (its lockfile pins a yanked dependency).
RUN cargo install trunk --version '~0.21' --locked \
 && cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" \
 && rm -rf /usr/local/cargo/registry

# ---- build: SPA (release, trunk) and server (release) ---------------------------------------
FROM tools AS build
WORKDIR /src
COPY . .
RUN locked="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/^version = "|"$/, ""); print; exit }' Cargo.lock)"; \
    installed="$(wasm-bindgen --version | cut -d' ' -f2)"; \
    if [ -n "$locked" ] && [ "$locked" != "$installed" ]; then \
        echo "Cargo.lock has wasm-bindgen $locked but wasm-bindgen-cli is $installed: build with --build-arg WASM_BINDGEN_VERSION=$locked" >&2; \
        exit 1; \
    fi
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    (cd frontend && trunk build --release) \
 && cargo build --release --locked -p otmetka-api --bin otmetka \
 && install -m 0755 target/release/otmetka /usr/local/bin/otmetka

# ---- runtime ---------------------------------------------------------------------------------
FROM debian:${DEBIAN_RELEASE}-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/otmetka --create-home otmetka
COPY --from=build /usr/local/bin/otmetka /usr/local/bin/otmetka
COPY --from=build /src/frontend/dist /usr/share/otmetka/dist

# The data dir keeps the generated JWT secret (when OTMETKA_JWT_SECRET is not set) and, without
# OTMETKA_DATABASE_URL pointing elsewhere, the SQLite database.
ENV OTMETKA_BIND=0.0.0.0:8080 \
    OTMETKA_STATIC_DIR=/usr/share/otmetka/dist \
    OTMETKA_DATA_DIR=/var/lib/otmetka \
    OTMETKA_DATABASE_URL=sqlite:///var/lib/otmetka/otmetka.db?mode=rwc
USER otmetka
WORKDIR /var/lib/otmetka
VOLUME ["/var/lib/otmetka"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 \
    CMD curl -fsS http://127.0.0.1:8080/api/v1/ready >/dev/null || exit 1
ENTRYPOINT ["otmetka"]
CMD ["serve"]
