#!/usr/bin/env bash
# Runs every test: CRDT properties, differential tests against the real yjs (npm ci runs
# inside the test set-up), and PostgreSQL integration tests (PostgreSQL from Testcontainers when
# Docker answers, else the local binaries, else CRDTCOLLAB_PG: tests/Support/README.md).
set -euo pipefail
cd "$(dirname "$0")"
dotnet test CrdtCollab.sln -c Release --logger "console;verbosity=normal" "$@"
