#!/usr/bin/env bash
# Logical backup of one CrdtCollab schema (event log, snapshots, checkpoints, catalog, permissions)
# in pg_dump's custom format. Connection from the standard libpq variables (PGHOST, PGPORT,
# PGUSER, PGPASSWORD, PGDATABASE) or DATABASE_URL. See docs/runbooks/backup-and-restore.md.
#
#   PGHOST=db PGUSER=crdt PGDATABASE=crdt deploy/scripts/backup.sh /backups/crdt-$(date -u +%Y%m%dT%H%M%SZ).dump
#
# The dump is one consistent snapshot (pg_dump runs in a single repeatable-read transaction), so
# servers may keep writing while it runs.
set -euo pipefail

schema="${CRDTCOLLAB_SCHEMA:-crdt_events}"
out="${1:?usage: backup.sh <output-file>  (schema from CRDTCOLLAB_SCHEMA, default crdt_events)}"
db_args=()
if [ -n "${DATABASE_URL:-}" ]; then db_args=(--dbname "$DATABASE_URL"); fi

tmp="$out.partial"
pg_dump "${db_args[@]}" --format=custom --compress=6 --no-owner --no-privileges \
  --schema="$schema" --file="$tmp"
# A dump only counts once it is complete and readable: list its table of contents.
pg_restore --list "$tmp" | grep -q "TABLE DATA $schema events " \
  || { echo "backup.sh: $tmp has no data for $schema.events; is the schema right?" >&2; rm -f "$tmp"; exit 1; }
mv "$tmp" "$out"
echo "backup.sh: schema $schema written to $out ($(stat -c %s "$out") bytes)"
