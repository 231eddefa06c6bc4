#!/bin/bash
# The official postgres image's first-start contract, in short: an empty data directory
# becomes a cluster whose superuser is POSTGRES_USER (password POSTGRES_PASSWORD) with a
# database POSTGRES_DB; connections from other containers need the password.
set -euo pipefail
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

if [[ "${1:-}" == "postgres" ]]; then
    chown -R postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
        if [[ -z "${POSTGRES_PASSWORD:-}" ]]; then
            echo "POSTGRES_PASSWORD must be set" >&2
            exit 1
        fi
        pwfile="$(mktemp)"
        printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
        chown postgres "$pwfile"
        as_postgres initdb --username="$user" --pwfile="$pwfile" --auth-local=trust \
            --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA"
        rm -f "$pwfile"
        echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
        as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
        if [[ "$db" != "postgres" ]]; then
            as_postgres psql -v ON_ERROR_STOP=1 --username="$user" --dbname=postgres \
                -c "CREATE DATABASE \"$db\""
        fi
        as_postgres pg_ctl -D "$PGDATA" -m fast -w stop
    fi
    shift
    exec setpriv --reuid=postgres --regid=postgres --init-groups \
        postgres -D "$PGDATA" -c listen_addresses='*' "$@"
fi
exec "$@"
