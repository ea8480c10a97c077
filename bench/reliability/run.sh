#!/usr/bin/env bash
# The reliability suite at the lengths the targets are stated for: builds Release, runs the scenarios of
# tests/Reliability.Tests with RELIABILITY_PROFILE=full (CI runs the same tests, shorter), plus the AppHost's own SIGKILL
# test, and prints one PASS/FAIL line per scenario with its numbers. Writes docs/benchmarks/reliability.md.
#   bench/reliability/run.sh [scenario ...]   scenarios: kills reloads redis orphans badinput (default: all)
set -uo pipefail
cd "$(dirname "$0")/../.."

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export RELIABILITY_PROFILE=full
results=$(mktemp /tmp/reliability-results.XXXXXX.jsonl)
export RELIABILITY_RESULTS=$results
out=${RELIABILITY_OUT:-docs/benchmarks/reliability.md}
trap 'rm -f "$results"' EXIT

declare -A filters=(
  [kills]="FullyQualifiedName~Reliability.Tests.Chaos"
  [reloads]="FullyQualifiedName~Reliability.Tests.Reloads"
  [redis]="FullyQualifiedName~Reliability.Tests.Outages"
  [orphans]="FullyQualifiedName~Reliability.Tests.Orphans|FullyQualifiedName~AppHostProcessTests.SIGKILL_of_the_AppHost"
  [badinput]="FullyQualifiedName~Reliability.Tests.BadInput"
)
scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(kills reloads redis orphans badinput)

if [ "${RELIABILITY_SKIP_BUILD:-0}" != 1 ]; then
  echo "[reliability] building (Release)"
  dotnet build tests/Reliability.Tests -c Release -nologo -clp:ErrorsOnly -v:q || exit 2
  dotnet build tests/AppHost.Tests -c Release -nologo -clp:ErrorsOnly -v:q || exit 2
fi

status=0
declare -A verdicts
for scenario in "${scenarios[@]}"; do
  filter=${filters[$scenario]:-}
  [ -z "$filter" ] && { echo "unknown scenario '$scenario' (kills reloads redis orphans badinput)" >&2; exit 2; }
  echo "[reliability] $scenario"
  log=$(mktemp /tmp/reliability-$scenario.XXXXXX.log)
  projects=(tests/Reliability.Tests)
  [ "$scenario" = orphans ] && projects+=(tests/AppHost.Tests)
  verdict=PASS
  for project in "${projects[@]}"; do
    if ! dotnet test "$project" -c Release --no-build -nologo --filter "$filter" \
        --logger "console;verbosity=detailed" >"$log" 2>&1; then
      verdict=FAIL
    fi
    grep -E "^\s+(Passed|Failed) |Standard Output|^ [^ ]|Error Message|Assert" "$log" | grep -v "^\s*$" | sed 's/^/    /' | head -60
  done
  [ "$verdict" = FAIL ] && status=1
  verdicts[$scenario]=$verdict
  rm -f "$log"
done

node bench/reliability/summary.mjs "$results" "$out"
echo
for scenario in "${scenarios[@]}"; do
  printf '%-9s %s\n' "$scenario" "${verdicts[$scenario]}"
done
exit $status
