#!/usr/bin/env bash
# Runs every test of ReferenceApp: unit, integration (real processes, real Redis) and end-to-end (Chromium).
# Needs only the .NET SDK: it installs or finds redis-server and Chromium itself, and falls back to Garnet.
# Usage: ./test.sh [--fast] [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Supervisor]
#   --fast  only the unit tier (tests marked [Trait("Tier", "Unit")]): no process, no Redis, no browser; under a minute.
set -euo pipefail
cd "$(dirname "$0")"

fast=false
if [ "${1:-}" = "--fast" ]; then
  fast=true
  shift
fi

log() { printf '\033[1m[test.sh]\033[0m %s\n' "$*"; }

install_system_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server redis-tools)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v clang >/dev/null 2>&1 || missing+=(clang zlib1g-dev)
  [ -x /usr/sbin/nginx ] || missing+=(nginx)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "not root or no apt-get: missing ${missing[*]}; Redis tests fall back to Garnet, browser tests need chromium on PATH, the Supervisor runs its JIT build without clang, proxy tests need /usr/sbin/nginx"
  fi
}

$fast || install_system_packages
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! $fast; then
  log "restoring dotnet tools (Garnet)"
  dotnet tool restore >/dev/null
fi
log "building"
dotnet build ReferenceApp.slnx -c Debug -nologo -clp:ErrorsOnly
if $fast; then
  set -- --filter "Tier=Unit" "$@"
# After the build, so the native Supervisor is the newer one: every test then runs the binary a deployment would.
elif command -v clang >/dev/null 2>&1; then
  log "publishing the native (ahead-of-time compiled) Supervisor"
  dotnet publish Supervisor/Supervisor.csproj -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
  export REFERENCEAPP_EXPECT_NATIVE_SUPERVISOR=1
else
  log "no clang: the tests run the Supervisor's JIT build"
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
log "testing"
set +e
# -m:1: one test project at a time. Several of them start whole systems (DCP, the dashboard, Supervisors, browsers);
# two at once on a 2-core machine measure the machine, not the system, and time out.
dotnet test ReferenceApp.slnx -c Debug --no-build -nologo -m:1 \
  --blame-hang-timeout 5m --blame-hang-dump-type none \
  "$@" 2>&1 | tee "$results"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over the test projects.
awk '
  /(Passed|Failed)! *- *Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { gsub(",", "", $(i+1)); failed  += $(i+1) }
      if ($i == "Passed:")  { gsub(",", "", $(i+1)); passed  += $(i+1) }
      if ($i == "Skipped:") { gsub(",", "", $(i+1)); skipped += $(i+1) }
    }
  }
  END { printf "Tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$results"
exit "$status"
