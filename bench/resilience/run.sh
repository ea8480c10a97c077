#!/usr/bin/env bash
# Losing a worker, side by side: the Supervisor against Aspire's WithReplicas(2) (bench/resilience/run.mjs).
# Builds as bench/run.sh does (BENCH_SKIP_BUILD=1 skips it); writes docs/benchmarks/resilience.md and resilience.json.
# Needs: .NET 10 SDK, Node.js 20+, wrk, clang. About 6 minutes with BENCH_RESILIENCE_ROUNDS=3.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  dotnet build Api/Api.csproj -c Release -nologo -clp:ErrorsOnly -v:q
  dotnet build Supervisor/Supervisor.csproj -c Release -nologo -clp:ErrorsOnly -v:q
  dotnet build bench/peers/aspire/ReplicasAppHost.csproj -c Release -nologo -clp:ErrorsOnly -v:q
  dotnet publish Supervisor/Supervisor.csproj -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
fi
exec node bench/resilience/run.mjs
