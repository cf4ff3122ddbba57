#!/usr/bin/env bash
# Runs once, on the first start of an empty PostgreSQL volume (the postgres image runs every
# /docker-entrypoint-initdb.d/*.sh): one database per service and each service's runtime login with
# its password. The services' migrations create the same roles only when missing (IF NOT EXISTS),
# so the passwords set here stay; the superuser (POSTGRES_PASSWORD) owns the tables and runs the
# migrations through DATABASE_ADMIN_URL.
set -euo pipefail

secret() {
  local name=$1 file_var="${1}_FILE"
  if [ -n "${!file_var:-}" ]; then
    cat "${!file_var}"
  elif [ -n "${!name:-}" ]; then
    printf '%s' "${!name}"
  else
    echo "initdb: $name (or ${name}_FILE) must be set: the runtime login's password" >&2
    exit 1
  fi
}

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres -q \
  -v coach_password="$(secret COACH_DB_PASSWORD)" \
  -v lab_password="$(secret LAB_DB_PASSWORD)" <<'SQL'
CREATE ROLE authenticator LOGIN NOINHERIT PASSWORD :'coach_password';
CREATE ROLE lab_app LOGIN NOINHERIT PASSWORD :'lab_password';
CREATE DATABASE coach;
CREATE DATABASE lab;
-- Each runtime login reaches its own service's database only.
REVOKE CONNECT ON DATABASE coach FROM PUBLIC;
REVOKE CONNECT ON DATABASE lab FROM PUBLIC;
GRANT CONNECT ON DATABASE coach TO authenticator;
GRANT CONNECT ON DATABASE lab TO lab_app;
SQL
echo 'initdb: databases coach and lab, logins authenticator and lab_app created'
