#!/usr/bin/env bash
# Restores a dump written by backup.sh over the same schema: the schema is dropped and recreated
# from the dump in ONE transaction, so a failed restore leaves the database as it was. Stop (or
# scale to zero) every sync server first: a running server keeps documents in memory and would
# write its later updates on top of the restored log. See docs/runbooks/backup-and-restore.md.
#
#   PGHOST=db PGUSER=crdt PGDATABASE=crdt deploy/scripts/restore.sh /backups/crdt-20261202T0300Z.dump --yes
#
# Prints the restored row counts of the log. Exit code 0 only when the restore committed and the
# restored event count equals the dump's.
set -euo pipefail

schema="${CRDTCOLLAB_SCHEMA:-crdt_events}"
dump="${1:?usage: restore.sh <dump-file> --yes  (schema from CRDTCOLLAB_SCHEMA, default crdt_events)}"
confirm="${2:-}"
if [ "$confirm" != "--yes" ]; then
  echo "restore.sh: this replaces schema $schema with the contents of $dump; run again with --yes" >&2
  exit 2
fi
[ -r "$dump" ] || { echo "restore.sh: cannot read $dump" >&2; exit 1; }
case "$schema" in *[!a-z0-9_]*) echo "restore.sh: unexpected schema name $schema" >&2; exit 1;; esac
db_args=()
if [ -n "${DATABASE_URL:-}" ]; then db_args=(--dbname "$DATABASE_URL"); fi

pg_restore --list "$dump" | grep -q "TABLE DATA $schema events " \
  || { echo "restore.sh: $dump holds no data for $schema.events" >&2; exit 1; }

# Render the whole dump to SQL first: a damaged or truncated dump fails here, before anything
# is dropped (feeding pg_restore's output straight into psql would commit a truncated stream).
sql=$(mktemp)
trap 'rm -f "$sql"' EXIT
pg_restore --no-owner --no-privileges -f "$sql" "$dump"
# The dump's own event count: the rows of the events table's COPY block.
expected=$(awk -v table="COPY $schema.events " 'index($0, table) == 1 {copy=1; next} copy && /^\\\.$/ {copy=0} copy {n++} END {print n+0}' "$sql")

{
  echo "SET client_min_messages = warning;"
  echo "DROP SCHEMA IF EXISTS $schema CASCADE;"
  cat "$sql"
} | psql "${db_args[@]}" -X -q -v ON_ERROR_STOP=1 --single-transaction >/dev/null

actual=$(psql "${db_args[@]}" -X -At -c "SELECT count(*) FROM $schema.events")
streams=$(psql "${db_args[@]}" -X -At -c "SELECT count(*) FROM $schema.streams")
echo "restore.sh: schema $schema restored from $dump: $actual events in $streams streams (dump: $expected events)"
if [ "$actual" != "$expected" ]; then
  echo "restore.sh: restored event count $actual differs from the dump's $expected" >&2
  exit 1
fi
