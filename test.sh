#!/usr/bin/env bash
# Runs every test: CRDT properties, differential tests against the real yjs (npm ci runs
# inside the test set-up), and PostgreSQL integration tests (a throwaway server is started
# from the local binaries unless CRDTCOLLAB_PG is set).
set -euo pipefail
cd "$(dirname "$0")"
dotnet test CrdtCollab.sln -c Release --logger "console;verbosity=normal" "$@"
