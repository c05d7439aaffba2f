#!/usr/bin/env bash
# PostgreSQL 15 for the workflows: Debian's own package in Debian containers (as on the project's
# CI machines), the PostgreSQL apt repository on GitHub's Ubuntu runners. The tests start a
# throwaway server from /usr/lib/postgresql/15/bin, and the restore test uses its pg_dump/psql.
set -euo pipefail
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "PostgreSQL 15 already installed"
elif grep -q '^ID=debian' /etc/os-release && grep -q 'VERSION_CODENAME=bookworm' /etc/os-release; then
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends postgresql-15
else
  $sudo apt-get install -y curl ca-certificates lsb-release
  $sudo install -d /usr/share/postgresql-common/pgdg
  $sudo curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc
  echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt $(lsb_release -cs)-pgdg main" \
    | $sudo tee /etc/apt/sources.list.d/pgdg.list
  $sudo apt-get update
  $sudo apt-get install -y postgresql-15
fi
if [ -n "${GITHUB_PATH:-}" ]; then echo "/usr/lib/postgresql/15/bin" >> "$GITHUB_PATH"; fi
