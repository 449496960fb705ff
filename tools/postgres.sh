#!/usr/bin/env bash
# Start a PostgreSQL server for the hedge book's tests and print the URL to use.
#
# Idempotent: installs the distribution's `postgresql` package when it is missing (as root,
# with apt-get), starts the newest cluster with pg_ctlcluster if it is down, and creates the
# `hedgekit` role and `hedgekit_test` database when they do not exist. The last line printed is
# the SQLAlchemy URL: `export HEDGEKIT_TEST_PG_URL=$(tools/postgres.sh | tail -1)`.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "postgresql is not installed and this is not root: cannot install it" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi

version=$(pg_lsclusters -h | awk '{print $1}' | sort -V | tail -1)
if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    pg_createcluster "$version" main >&2
fi
cluster=$(pg_lsclusters -h | awk -v v="$version" '$1 == v {print $2; exit}')
port=$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $3}')
status=$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $4}')
if [ "$status" != "online" ]; then
    pg_ctlcluster "$version" "$cluster" start >&2
fi

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -c "$1"
    else
        sh -c "$1"
    fi
}
for _ in $(seq 1 30); do
    if as_postgres "psql -p $port -tAc 'select 1'" >/dev/null 2>&1; then break; fi
    sleep 1
done
as_postgres "psql -p $port -tAc \"select 1 from pg_roles where rolname = 'hedgekit'\"" | grep -q 1 \
    || as_postgres "psql -p $port -c \"create role hedgekit login password 'hedgekit'\"" >&2
as_postgres "psql -p $port -tAc \"select 1 from pg_database where datname = 'hedgekit_test'\"" | grep -q 1 \
    || as_postgres "createdb -p $port -O hedgekit hedgekit_test" >&2
echo "postgresql+psycopg://hedgekit:hedgekit@127.0.0.1:$port/hedgekit_test"
