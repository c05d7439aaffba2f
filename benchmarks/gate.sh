#!/usr/bin/env bash
# Benchmark regression gate (benchmarks/README.md, "Regression gate"). Builds the benchmarks in
# Release, runs the gate's short in-process BenchmarkDotNet job and compares with
# benchmarks/baselines/gate.json. Exit 0 = pass, 1 = regression, 2 = build failure.
#
#   bash benchmarks/gate.sh                    # check
#   bash benchmarks/gate.sh --update-baseline  # measure twice and rewrite the baseline
#   CRDT_GATE_INJECT=slow2x|alloc20 bash benchmarks/gate.sh   # self-test: must fail
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Same runtime settings as a plain `dotnet run`: the gate must not measure a tuned runtime.
unset DOTNET_TieredPGO DOTNET_TieredCompilation DOTNET_gcServer DOTNET_GCgen0size

start=$SECONDS
if ! dotnet build benchmarks/Benchmarks.csproj -c Release -nologo -v quiet -clp:ErrorsOnly; then
  echo "gate: FAIL benchmarks do not build"
  exit 2
fi
echo "gate: built in $((SECONDS - start)) s"

dotnet benchmarks/bin/Release/net10.0/CrdtCollab.Benchmarks.dll gate "$@"
status=$?
echo "gate: total $((SECONDS - start)) s"
exit $status
