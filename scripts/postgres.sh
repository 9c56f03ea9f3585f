#!/usr/bin/env bash
# Makes sure a local PostgreSQL answers and that the test database exists, then prints
# `DATABASE_URL=postgres://...` on stdout (progress and errors go to stderr), so
# `export "$(scripts/postgres.sh)"` works.
#
#   scripts/postgres.sh              start PostgreSQL if needed, create the database if missing
#   scripts/postgres.sh --recreate   drop and create the database first (a clean slate)
#
# PostgreSQL itself is not installed here: it is expected on the machine (Debian's postgresql package).
# If nothing answers on the port, the script starts the local cluster that owns that port with
# `pg_ctlcluster --skip-systemctl-redirect <version> <cluster> start`.
#
# Environment:
#   PGHOST / PGPORT        server, over TCP               (default: 127.0.0.1 / 5432)
#   PGUSER                 role to connect as            (default: the first of postgres, root, $(id -un) that
#                                                          can log in and create databases; trust auth here)
#   PGPASSWORD             password, if the server wants one (put into the URL, percent-encoded)
#   TEST_DATABASE_NAME     database to make sure of      (default: kyc_ledger_test)
#   PG_START_TIMEOUT       seconds to wait for the server (default: 60)
set -euo pipefail

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
TEST_DATABASE_NAME="${TEST_DATABASE_NAME:-kyc_ledger_test}"
PG_START_TIMEOUT="${PG_START_TIMEOUT:-60}"
RECREATE=false

say() { printf 'postgres.sh: %s\n' "$*" >&2; }

die() {
  printf 'postgres.sh: ERROR: %s\n' "$*" >&2
  exit 1
}

case "${1:-}" in
  '') ;;
  --recreate) RECREATE=true ;;
  *)
    echo "usage: $0 [--recreate]" >&2
    exit 2
    ;;
esac

[[ "$TEST_DATABASE_NAME" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] ||
  die "TEST_DATABASE_NAME must be a plain lower-case identifier (got '$TEST_DATABASE_NAME')"
[[ "$PGPORT" =~ ^[0-9]+$ ]] || die "PGPORT must be a number (got '$PGPORT')"

for tool in pg_isready psql; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (PostgreSQL client tools are needed)"
done

server_ready() {
  pg_isready -q -h "$PGHOST" -p "$PGPORT" -t 2
}

# Starts the local cluster that is configured for PGPORT (Debian postgresql-common layout).
start_local_cluster() {
  case "$PGHOST" in
    127.0.0.1 | localhost | ::1) ;;
    *) die "PostgreSQL on $PGHOST:$PGPORT does not answer, and it is not local, so it cannot be started here" ;;
  esac
  command -v pg_ctlcluster >/dev/null 2>&1 ||
    die "PostgreSQL does not answer on $PGHOST:$PGPORT and pg_ctlcluster (postgresql-common) is not installed"

  local version='' cluster='' v c port
  if command -v pg_lsclusters >/dev/null 2>&1; then
    while read -r v c port _; do
      if [[ "$port" == "$PGPORT" ]]; then
        version="$v"
        cluster="$c"
        break
      fi
    done < <(pg_lsclusters --no-header 2>/dev/null || true)
    [[ -n "$version" ]] ||
      die "PostgreSQL does not answer on $PGHOST:$PGPORT and no local cluster is configured for port $PGPORT: $(pg_lsclusters --no-header 2>&1 | tr -s ' ' | paste -sd ';' -)"
  else
    # No pg_lsclusters: the newest installed version's `main` cluster.
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n 1 || true)"
    cluster=main
    [[ -n "$version" && -d "/etc/postgresql/$version/$cluster" ]] ||
      die "PostgreSQL does not answer on $PGHOST:$PGPORT and no cluster is configured under /etc/postgresql"
  fi

  say "PostgreSQL does not answer on $PGHOST:$PGPORT; starting cluster $version/$cluster"
  if ! pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >&2; then
    local log="/var/log/postgresql/postgresql-$version-$cluster.log"
    [[ -r "$log" ]] && tail -n 30 "$log" >&2
    die "pg_ctlcluster $version $cluster start failed (log: $log)"
  fi
}

if ! server_ready; then
  start_local_cluster
  deadline=$((SECONDS + PG_START_TIMEOUT))
  until server_ready; do
    ((SECONDS < deadline)) || die "PostgreSQL did not answer on $PGHOST:$PGPORT within ${PG_START_TIMEOUT}s"
    sleep 1
  done
fi
say "PostgreSQL answers on $PGHOST:$PGPORT"

# psql against the maintenance database as the given role; fails fast, never prompts for a password.
psql_as() {
  local role="$1"
  shift
  psql -X -q -w -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U "$role" -d postgres -At "$@"
}

can_create_databases() {
  [[ "$(psql_as "$1" -c 'select rolsuper or rolcreatedb from pg_roles where rolname = current_user' 2>/dev/null)" == t ]]
}

role=''
if [[ -n "${PGUSER:-}" ]]; then
  can_create_databases "$PGUSER" ||
    die "role '$PGUSER' (PGUSER) cannot log in to $PGHOST:$PGPORT or may not create databases"
  role="$PGUSER"
else
  for candidate in postgres root "$(id -un)"; do
    if can_create_databases "$candidate"; then
      role="$candidate"
      break
    fi
  done
  [[ -n "$role" ]] ||
    die "no role among postgres, root, $(id -un) can log in to $PGHOST:$PGPORT and create databases; set PGUSER (and PGPASSWORD)"
fi

database_exists() {
  [[ "$(psql_as "$role" -v "db=$TEST_DATABASE_NAME" <<<"select 1 from pg_database where datname = :'db'")" == 1 ]]
}

if [[ "$RECREATE" == true ]] && database_exists; then
  say "dropping database $TEST_DATABASE_NAME"
  psql_as "$role" -c "drop database \"$TEST_DATABASE_NAME\" with (force)" >&2 ||
    die "could not drop database $TEST_DATABASE_NAME"
fi

if database_exists; then
  say "database $TEST_DATABASE_NAME exists"
else
  say "creating database $TEST_DATABASE_NAME (owner $role)"
  # Another run may create it at the same moment: only a database that is still missing is an error.
  if ! psql_as "$role" -c "create database \"$TEST_DATABASE_NAME\"" >&2 && ! database_exists; then
    die "could not create database $TEST_DATABASE_NAME as $role"
  fi
fi

urlencode() {
  local LC_ALL=C s="$1" out='' c i
  for ((i = 0; i < ${#s}; i += 1)); do
    c="${s:i:1}"
    case "$c" in
      [a-zA-Z0-9.~_-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

credentials="$(urlencode "$role")"
if [[ -n "${PGPASSWORD:-}" ]]; then
  credentials+=":$(urlencode "$PGPASSWORD")"
fi
host="$PGHOST"
[[ "$host" == *:* ]] && host="[$host]"
url="postgres://${credentials}@${host}:${PGPORT}/${TEST_DATABASE_NAME}"

[[ "$(psql -X -w -At -d "$url" -c 'select 1' 2>&1)" == 1 ]] || die "cannot connect to $url"
say "ready: database $TEST_DATABASE_NAME as $role"
echo "DATABASE_URL=$url"
