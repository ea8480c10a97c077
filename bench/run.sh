#!/usr/bin/env bash
# The whole benchmark matrix with one command: builds Release, installs the Node peers from the lockfile, runs every
# peer under every load and writes docs/benchmarks/results.md, results.json and throughput.svg.
# Needs: .NET 10 SDK, Node.js 20+ with npm, wrk and clang (apt-get install wrk clang zlib1g-dev). Takes about 40 minutes with the defaults.
# Settings (environment): BENCH_WORKERS=2 BENCH_SECONDS=8 BENCH_WARMUP_SECONDS=4 BENCH_WARMUP_MAX_SECONDS=60 BENCH_JIT_QUIET_SHARE=0.02 BENCH_CPU_MS=100
#   BENCH_PEERS=kestrel,supervisor-reuseport,supervisor-roundrobin,supervisor-roundrobin-jit,supervisor-sticky,aspire-replicas,node-cluster,pm2,node-single
#   BENCH_LOADS=keepalive,close,cpu  BENCH_QUIET_WAIT_SECONDS=0  BENCH_OUT=docs/benchmarks  BENCH_SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[bench]\033[0m %s\n' "$*"; }

for tool in dotnet node npm wrk; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench/run.sh needs '$tool' on PATH (wrk: apt-get install wrk)." >&2; exit 2; }
done

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building Api and Supervisor (Release)"
  dotnet build Api/Api.csproj -c Release -nologo -clp:ErrorsOnly -v:q
  dotnet build Supervisor/Supervisor.csproj -c Release -nologo -clp:ErrorsOnly -v:q
  dotnet build bench/peers/aspire/ReplicasAppHost.csproj -c Release -nologo -clp:ErrorsOnly -v:q
  if command -v clang >/dev/null 2>&1; then
    log "publishing the native Supervisor (bin/aot/Supervisor)"
    dotnet publish Supervisor/Supervisor.csproj -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
  else
    echo "bench/run.sh needs clang for the native Supervisor (apt-get install clang zlib1g-dev)." >&2; exit 2
  fi
  log "installing the Node peers from package-lock.json"
  (cd bench/peers/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# The harness stops every process it started (each in its own process group, by id) however it ends: on exit, on
# SIGINT/SIGTERM/SIGHUP, on an error. exec, so that a Ctrl+C or a kill reaches it directly.
exec node bench/harness/matrix.mjs
