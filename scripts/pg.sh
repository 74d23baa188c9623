#!/usr/bin/env bash
# Makes a local PostgreSQL ready for the tests and prints the admin connection URL for
# TEST_DATABASE_URL on stdout (everything else goes to stderr):
#   - TEST_DATABASE_URL already set: prints it and does nothing else;
#   - otherwise starts Debian's cluster when it is down (installing PostgreSQL as root when it
#     is missing) and makes sure the login role `otmetka` (password `otmetka`, CREATEDB, a member of
#     `pg_signal_backend` so that `DROP DATABASE … WITH (FORCE)` also ends autovacuum workers) exists.
# Usage: export TEST_DATABASE_URL="$(scripts/pg.sh)"
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

if [ -n "${TEST_DATABASE_URL:-}" ]; then
    log "using TEST_DATABASE_URL from the environment"
    echo "$TEST_DATABASE_URL"
    exit 0
fi

ROLE=otmetka
PASSWORD=otmetka

if ! command -v pg_lsclusters >/dev/null 2>&1; then
    is_root || die "PostgreSQL is not installed: sudo apt-get install -y postgresql (or set TEST_DATABASE_URL)"
    apt_install postgresql
fi

# The first cluster Debian knows about (normally `15 main`); create one when there is none.
read -r version cluster port status _ < <(pg_lsclusters -h | head -n1) || true
if [ -z "${version:-}" ]; then
    is_root || die "no PostgreSQL cluster; create one with: sudo pg_createcluster --start <version> main"
    version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf "%f\n" | sort -V | tail -n1)"
    log "creating cluster ${version}/main"
    pg_createcluster "$version" main
    read -r version cluster port status _ < <(pg_lsclusters -h | head -n1)
fi

if [ "$status" != "online" ]; then
    is_root || die "PostgreSQL ${version}/${cluster} is down: sudo pg_ctlcluster ${version} ${cluster} start"
    log "starting PostgreSQL ${version}/${cluster} on port ${port}"
    # setsid: the cluster must not belong to this script's process group (a test runner that
    # stops its process group, e.g. `timeout`, would stop PostgreSQL with it).
    setsid pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
fi

for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || die "PostgreSQL does not answer on 127.0.0.1:${port} (see /var/log/postgresql/)"

url="postgres://${ROLE}:${PASSWORD}@127.0.0.1:${port}/postgres"

# The role: peer auth on the socket needs the postgres OS user, so only root can create it.
if is_root; then
    (cd / && su postgres -c "psql -q -p '$port' -v ON_ERROR_STOP=1" <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}') THEN
        CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}';
    ELSE
        ALTER ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}';
    END IF;
END
\$\$;
-- The tests drop their databases WITH (FORCE), which must also end an autovacuum worker that
-- happens to be in one (it runs as no role the login role is a member of).
GRANT pg_signal_backend TO ${ROLE};
SQL
    ) >&2
fi

psql "$url" -qtAc 'SELECT 1' >/dev/null 2>&1 || die "cannot log in as ${ROLE} at ${url%%@*}@… — create the role: sudo -u postgres psql -c \"CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}'\""

log "PostgreSQL ${version}/${cluster} ready"
echo "$url"
