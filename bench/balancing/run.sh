#!/usr/bin/env bash
# Benchmarks the Supervisor's balancing policies against one single-process Kestrel running the same app (Api), in one run.
#
#   bench/balancing/run.sh                 # ~6 minutes on 2 cores; prints a markdown table
#   DURATION=5 bench/balancing/run.sh      # shorter loads
#   POLICIES="RoundRobin" bench/balancing/run.sh
#
# For each of: single Kestrel, then the Supervisor with 2 workers under each policy, it runs on /api/whoami
#   keep-alive:  wrk -c64 (64 connections reused for every request)
#   new conn:    wrk -c64 -H 'Connection: close' (a new TCP connection per request)
#   long conns:  wrk -c8 on /api/work?ms=$WORK_MS (8 long-lived connections on a CPU-bound endpoint)
# and reports requests/s, p99 latency, the Supervisor's own CPU (cores, from /proc/<pid>/stat) and RSS (VmRSS), and the
# per-worker split of requests (requestsServed deltas from the control API's GET /status). Then, per policy, it runs
# 5 rolling reloads (POST /reload, one after the other) during keep-alive load and counts wrk's failed requests
# (socket errors + non-2xx). The load generator shares the machine's cores with the servers: compare ratios measured in
# the same run, not absolute numbers across machines.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
WORK_MS=${WORK_MS:-2}
RELOADS=${RELOADS:-5}
POLICIES=${POLICIES:-"ReusePort RoundRobin Sticky"}
WORKERS=2
OUT=$(mktemp -d /tmp/ra-bench-balancing.XXXXXX)
PIDS=()

log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

for tool in wrk jq curl dotnet; do command -v "$tool" >/dev/null || die "$tool is required"; done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1; }

log "building Release (Supervisor, Api)"
dotnet build Supervisor -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build Api -c Release -nologo -clp:ErrorsOnly >/dev/null
SUPERVISOR_DLL="$ROOT/Supervisor/bin/Release/net10.0/Supervisor.dll"
API_DLL="$ROOT/Api/bin/Release/net10.0/Api.dll"
CLK_TCK=$(getconf CLK_TCK)

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Proportional set size: shared pages (the runtime and framework files every .NET process maps) count in fractions.
pss_kib() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }

# wrk_run <name> <url> [wrk args...]: runs wrk with --latency and keeps its output in $OUT/<name>.wrk
wrk_run() {
  local name=$1 url=$2; shift 2
  wrk --latency "$@" "$url" >"$OUT/$name.wrk" 2>&1 || true
}
wrk_rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }
# p99 in milliseconds, whatever unit wrk printed
wrk_p99() {
  awk '$1 == "99%" { v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v);
        if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; else if (unit == "m") v *= 60000;
        printf "%.1f", v }' "$1"
}
wrk_failed() {
  awk '/Socket errors:/ { gsub(",", ""); s += $4 + $6 + $8 + $10 }
       /Non-2xx or 3xx responses:/ { s += $5 }
       END { print s + 0 }' "$1"
}
wrk_total() { awk '/requests in/ { print $1 }' "$1"; }

# Supervisor control API helpers (set CONTROL and TOKEN)
status() { curl -fsS -H "Authorization: Bearer $TOKEN" "$CONTROL/status"; }
served_by_worker() { status | jq -r '[.workers[] | select(.state == "Ready")] | sort_by(.index) | map("\(.index)=\(.requestsServed // 0)") | join(" ")'; }

# split <before> <after>: "52/48" (percent of the requests each slot served between the two readings)
split() {
  python3 - "$1" "$2" <<'PY'
import sys
def parse(s): return {k: int(v) for k, v in (p.split("=") for p in s.split())}
before, after = parse(sys.argv[1]), parse(sys.argv[2])
delta = {k: after[k] - before.get(k, 0) for k in after}
total = sum(delta.values())
print("/".join(f"{100 * v / total:.0f}" for _, v in sorted(delta.items())) if total > 0 else "n/a")
PY
}

wait_http() {
  local url=$1 deadline=$((SECONDS + 90))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || die "no answer from $url"
    sleep 0.2
  done
}

# Heartbeats carry requestsServed every 2 s: wait for one more before reading the counters.
settle() { sleep 2.5; }

# run_loads <label> <pid to measure or empty>: the three loads; one result line per load in $OUT/results
run_loads() {
  local label=$1 pid=$2 base="http://127.0.0.1:$PORT"
  wrk_run "$label-warmup" "$base/api/whoami" -t2 -c64 -d"${WARMUP}s"
  local load args url
  for load in keepalive newconn long; do
    case $load in
      keepalive) url="$base/api/whoami"; args=(-t2 -c64 -d"${DURATION}s") ;;
      newconn) url="$base/api/whoami"; args=(-t2 -c64 -d"${DURATION}s" -H "Connection: close") ;;
      long) url="$base/api/work?ms=$WORK_MS"; args=(-t2 -c8 -d"${DURATION}s") ;;
    esac
    local before="" after="" cpu0=0 cpu1=0 rss="" pss=""
    if [ -n "$pid" ]; then settle; before=$(served_by_worker); cpu0=$(cpu_ticks "$pid"); fi
    local t0=$(date +%s.%N)
    wrk_run "$label-$load" "$url" "${args[@]}"
    local t1=$(date +%s.%N)
    if [ -n "$pid" ]; then
      cpu1=$(cpu_ticks "$pid"); rss=$(rss_kib "$pid"); pss=$(pss_kib "$pid"); settle; after=$(served_by_worker)
    fi
    local cores="" mib="" pmib="" share=""
    if [ -n "$pid" ]; then
      cores=$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$CLK_TCK" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.2f", (b - a) / hz / (t1 - t0) }')
      mib=$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')
      pmib=$(awk -v k="$pss" 'BEGIN { printf "%.0f", k / 1024 }')
      share=$(split "$before" "$after")
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$load" "$(wrk_rps "$OUT/$label-$load.wrk")" "$(wrk_p99 "$OUT/$label-$load.wrk")" \
      "$cores" "$mib" "$pmib" "$share" "$(wrk_failed "$OUT/$label-$load.wrk")" >>"$OUT/results"
    log "$label $load: $(wrk_rps "$OUT/$label-$load.wrk") req/s, p99 $(wrk_p99 "$OUT/$label-$load.wrk") ms, supervisor ${cores:-n/a} cores ${mib:-n/a} MiB, split ${share:-n/a}"
  done
}

# rolling_reloads <label>: keep-alive load while $RELOADS reloads run one after another; failed requests into $OUT/reloads
rolling_reloads() {
  local label=$1 base="http://127.0.0.1:$PORT"
  # A 10 s timeout: on 2 shared cores a request to a worker that is still warming up can take over wrk's default 2 s,
  # which is slow, not failed. A request still unanswered after 10 s counts as failed.
  wrk -t2 -c64 -d600s --timeout 10s "$base/api/whoami" >"$OUT/$label-reload.wrk" 2>&1 &
  local wrk_pid=$!
  sleep 1
  local done_reloads=0
  for _ in $(seq 1 "$RELOADS"); do
    local code
    code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" "$CONTROL/reload")
    [ "$code" = 202 ] || { log "POST /reload answered $code"; continue; }
    local deadline=$((SECONDS + 120))
    until status | jq -e '.reload != null and .reload.state != "Running" and ([.workers[] | select(.state == "Ready")] | length) == '"$WORKERS" >/dev/null; do
      [ $SECONDS -lt $deadline ] || die "reload did not complete"
      sleep 0.2
    done
    done_reloads=$((done_reloads + 1))
  done
  sleep 1
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
  printf '%s\t%s\t%s\t%s\n' "$label" "$done_reloads" "$(wrk_failed "$OUT/$label-reload.wrk")" "$(wrk_total "$OUT/$label-reload.wrk")" >>"$OUT/reloads"
  log "$label: $done_reloads reloads, $(wrk_failed "$OUT/$label-reload.wrk") failed of $(wrk_total "$OUT/$label-reload.wrk") requests"
}

: >"$OUT/results"
: >"$OUT/reloads"
export ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 Logging__LogLevel__Default=Warning
unset OTEL_EXPORTER_OTLP_ENDPOINT || true

log "single Kestrel (Api, one process)"
PORT=$(free_port)
ASPNETCORE_URLS="http://127.0.0.1:$PORT" dotnet exec "$API_DLL" >"$OUT/single.log" 2>&1 &
SINGLE_PID=$!
PIDS+=("$SINGLE_PID")
wait_http "http://127.0.0.1:$PORT/alive"
run_loads "single" ""
kill "$SINGLE_PID"; wait "$SINGLE_PID" 2>/dev/null || true

for policy in $POLICIES; do
  log "Supervisor, $WORKERS workers, $policy"
  PORT=$(free_port)
  dotnet exec "$SUPERVISOR_DLL" --app "$API_DLL" --port "$PORT" --address 127.0.0.1 --workers "$WORKERS" \
    --balancing "$policy" --control-port 0 >"$OUT/$policy.log" 2>&1 &
  SUP_PID=$!
  PIDS+=("$SUP_PID")
  deadline=$((SECONDS + 120))
  until grep -qs "Supervisor ready:" "$OUT/$policy.log"; do
    kill -0 "$SUP_PID" 2>/dev/null || die "Supervisor exited: $(tail -20 "$OUT/$policy.log")"
    [ $SECONDS -lt $deadline ] || die "Supervisor not ready: $(tail -20 "$OUT/$policy.log")"
    sleep 0.2
  done
  TOKEN=$(awk -F': ' '/^Supervisor control token:/ { print $2; exit }' "$OUT/$policy.log")
  CONTROL=$(grep -o 'control http://127.0.0.1:[0-9]*' "$OUT/$policy.log" | head -1 | cut -d' ' -f2)
  run_loads "$policy" "$SUP_PID"
  rolling_reloads "$policy"
  kill "$SUP_PID"; wait "$SUP_PID" 2>/dev/null || true
done

# The table: ratios against the single Kestrel of this run.
python3 - "$OUT/results" "$OUT/reloads" "$DURATION" "$WORK_MS" <<'PY'
import sys, collections
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
reloads = {r[0]: r[1:] for r in (line.rstrip("\n").split("\t") for line in open(sys.argv[2]) if line.strip())}
duration, work_ms = sys.argv[3], sys.argv[4]
by = collections.OrderedDict()
for label, load, rps, p99, cores, mib, pmib, share, failed in rows:
    by.setdefault(label, {})[load] = dict(rps=float(rps or 0), p99=p99, cores=cores, mib=mib, pmib=pmib, share=share, failed=failed)
single = by.get("single", {})
names = {"keepalive": "keep-alive -c64", "newconn": "new connection per request -c64", "long": f"8 long connections, /api/work?ms={work_ms}"}
print(f"Each load {duration} s; 2 workers per policy; ratio = req/s / single Kestrel's req/s in this run.\n")
print("| Setup | Load | req/s | vs single | p99 ms | Supervisor CPU (cores) | Supervisor RSS / PSS MiB | worker split % | errors |")
print("|---|---|---:|---:|---:|---:|---:|---|---:|")
for label, loads in by.items():
    for load in ("keepalive", "newconn", "long"):
        if load not in loads: continue
        r = loads[load]
        base = single.get(load, {}).get("rps") or 0
        ratio = f"{r['rps'] / base:.2f}x" if base else "-"
        setup = "single Kestrel" if label == "single" else f"Supervisor x2, {label}"
        print(f"| {setup} | {names[load]} | {r['rps']:.0f} | {ratio} | {r['p99']} | {r['cores'] or '-'} | {(r['mib'] + ' / ' + r['pmib']) if r['mib'] else '-'} | {r['share'] or '-'} | {r['failed']} |")
if reloads:
    print("\n| Policy | rolling reloads during keep-alive load | failed requests | requests |")
    print("|---|---:|---:|---:|")
    for label, (done, failed, total) in reloads.items():
        print(f"| {label} | {done} | {failed} | {total} |")
PY
log "raw wrk output and logs: $OUT"
