#!/usr/bin/env bash
# Sticky per-request forwarding: what a misrouted request costs, and what the fast path costs.
#
#   bench/sticky-forwarding/run.sh                         # ~2 minutes on 2 cores; prints a markdown table
#   DURATION=3 ROUNDS=1 bench/sticky-forwarding/run.sh     # a smoke run
#   COMPARE_REF=main bench/sticky-forwarding/run.sh        # also Sticky keep-alive of this tree against COMPARE_REF
#
# One Sticky Supervisor, 2 Api workers, Release. On /api/whoami, with wrk, each thread one keep-alive connection
# (-t$CONNECTIONS -c$CONNECTIONS, cookie.lua):
#   right worker: the cookie of every request names the worker the connection was handed to;
#   forwarded:    the connection is handed to worker 1, every later request names worker 0 (forwarded 1 -> 0).
# and requests/s, p50 and p99 of each. With COMPARE_REF, it builds that ref in a temporary git worktree and measures the
# plain Sticky keep-alive load (wrk -t2 -c64, no cookie) of both builds, alternating, $ROUNDS rounds each: the ratio is
# the before/after of the fast path (the issue asks for it to stay within 5 %). Run on a quiet machine; the load
# generator shares the cores with the servers, so compare ratios from one run, not absolute numbers across runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
HERE="$ROOT/bench/sticky-forwarding"

DURATION=${DURATION:-10}
# Long enough for the fresh workers' JIT to tier up (8-14 s under load here): shorter, and a round measures half-compiled code.
WARMUP=${WARMUP:-15}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-4}
COMPARE_REF=${COMPARE_REF:-}
OUT=$(mktemp -d /tmp/ra-bench-forwarding.XXXXXX)
PIDS=()
REF_TREE=""

log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  if [ -n "$REF_TREE" ]; then git worktree remove --force "$REF_TREE" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

for tool in wrk curl dotnet python3; do command -v "$tool" >/dev/null || die "$tool is required"; done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

build() { # build <tree>: Release Supervisor and Api
  dotnet build "$1/Supervisor" -c Release -nologo -clp:ErrorsOnly >/dev/null
  dotnet build "$1/Api" -c Release -nologo -clp:ErrorsOnly >/dev/null
}

# start <tree> <label>: a Sticky Supervisor with 2 Api workers of that build; sets PORT and SUP_PID
start() {
  local tree=$1 label=$2
  PORT=$(free_port)
  dotnet exec "$tree/Supervisor/bin/Release/net10.0/Supervisor.dll" --app "$tree/Api/bin/Release/net10.0/Api.dll" \
    --port "$PORT" --address 127.0.0.1 --workers 2 --balancing Sticky --control-port 0 >"$OUT/$label.log" 2>&1 &
  SUP_PID=$!
  PIDS+=("$SUP_PID")
  local deadline=$((SECONDS + 120))
  until grep -qs "Supervisor ready:" "$OUT/$label.log"; do
    kill -0 "$SUP_PID" 2>/dev/null || die "Supervisor exited: $(tail -20 "$OUT/$label.log")"
    [ $SECONDS -lt $deadline ] || die "Supervisor not ready: $(tail -20 "$OUT/$label.log")"
    sleep 0.2
  done
}

stop() { kill "$SUP_PID" 2>/dev/null || true; wait "$SUP_PID" 2>/dev/null || true; }

# affinity: IDS[0], IDS[1] and PIDS_OF[0], PIDS_OF[1]: each worker's cookie, from fresh connections (lowest pid first)
affinity() {
  local deadline=$((SECONDS + 30)) seen
  declare -gA BY_PID=()
  while [ ${#BY_PID[@]} -lt 2 ]; do
    [ $SECONDS -lt $deadline ] || die "did not see the cookies of both workers"
    local headers pid id
    headers=$(curl -fsS -D - -o /dev/null -H 'Connection: close' "http://127.0.0.1:$PORT/api/whoami")
    pid=$(printf '%s' "$headers" | tr -d '\r' | awk -F'pid=' 'tolower($0) ~ /^x-served-by:/ { print $2 }')
    id=$(printf '%s' "$headers" | tr -d '\r' | awk 'tolower($0) ~ /^set-cookie: referenceapp-affinity=/ { sub(/^[^=]*=/, ""); sub(/;.*/, ""); print }')
    [ -n "$pid" ] && [ -n "$id" ] && BY_PID[$pid]=$id
  done
  seen=$(printf '%s\n' "${!BY_PID[@]}" | sort -n)
  PIDS_OF=($seen)
  IDS=("${BY_PID[${PIDS_OF[0]}]}" "${BY_PID[${PIDS_OF[1]}]}")
}

# served_by <arrive id> <target id>: the pid that serves a request naming target on a connection handed to arrive
served_by() {
  curl -fsS -o /dev/null -D - -H "Cookie: referenceapp-affinity=$1" "http://127.0.0.1:$PORT/api/whoami" \
    -: -o /dev/null -D - -H "Cookie: referenceapp-affinity=$2" "http://127.0.0.1:$PORT/api/whoami" \
    | tr -d '\r' | awk -F'pid=' 'tolower($0) ~ /^x-served-by:/ { p = $2 } END { print p }'
}

wrk_rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }
wrk_pct() { # wrk_pct <file> <50|99>: milliseconds
  awk -v q="$2%" '$1 == q { v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v);
        if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; printf "%.2f", v }' "$1"
}
wrk_failed() { awk '/Socket errors:/ { gsub(",", ""); s += $4 + $6 + $8 + $10 } /Non-2xx or 3xx responses:/ { s += $5 } END { print s + 0 }' "$1"; }

# cell <name> <arrive> <target>: one wrk run through cookie.lua; a result line in $OUT/results
cell() {
  local name=$1 round=$2 file="$OUT/$1-$2.wrk"
  ARRIVE=$3 TARGET=$4 wrk --latency -t"$CONNECTIONS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$HERE/cookie.lua" "http://127.0.0.1:$PORT/" >"$file" 2>&1 || true
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$(wrk_rps "$file")" "$(wrk_pct "$file" 50)" "$(wrk_pct "$file" 99)" "$(wrk_failed "$file")" >>"$OUT/results"
  log "$name (round $round): $(wrk_rps "$file") req/s, p50 $(wrk_pct "$file" 50) ms, p99 $(wrk_pct "$file" 99) ms, $(wrk_failed "$file") failed"
}

# keepalive <label> <round>: plain Sticky keep-alive, no cookie (each connection stays on its worker)
keepalive() {
  local file="$OUT/keepalive-$1-$2.wrk"
  wrk --latency -t2 -c64 -d"${DURATION}s" "http://127.0.0.1:$PORT/api/whoami" >"$file" 2>&1 || true
  printf '%s\t%s\t%s\t%s\t%s\n' "keepalive-$1" "$(wrk_rps "$file")" "$(wrk_pct "$file" 50)" "$(wrk_pct "$file" 99)" "$(wrk_failed "$file")" >>"$OUT/results"
  log "Sticky keep-alive, $1 (round $2): $(wrk_rps "$file") req/s, p99 $(wrk_pct "$file" 99) ms"
}

: >"$OUT/results"
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
export ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 Logging__LogLevel__Default=Warning
unset OTEL_EXPORTER_OTLP_ENDPOINT || true

log "building Release (Supervisor, Api) of this tree"
build "$ROOT"
if [ -n "$COMPARE_REF" ]; then
  REF_TREE=$(mktemp -d /tmp/ra-bench-ref.XXXXXX)
  rmdir "$REF_TREE"
  git worktree add --detach "$REF_TREE" "$COMPARE_REF" >/dev/null 2>&1 || die "cannot check out $COMPARE_REF"
  log "building Release (Supervisor, Api) of $COMPARE_REF"
  build "$REF_TREE"
fi

start "$ROOT" this
affinity
forwarded_pid=$(served_by "${IDS[1]}" "${IDS[0]}")
[ "$forwarded_pid" = "${PIDS_OF[0]}" ] || die "a request naming pid ${PIDS_OF[0]} on a connection of pid ${PIDS_OF[1]} was served by pid $forwarded_pid: this build does not forward"
log "workers: pid ${PIDS_OF[0]} (${IDS[0]}), pid ${PIDS_OF[1]} (${IDS[1]}); forwarding checked"
ARRIVE=${IDS[0]} TARGET=${IDS[0]} wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$HERE/cookie.lua" "http://127.0.0.1:$PORT/" >/dev/null 2>&1 || true
for round in $(seq 1 "$ROUNDS"); do
  cell right-worker "$round" "${IDS[0]}" "${IDS[0]}"
  cell forwarded "$round" "${IDS[1]}" "${IDS[0]}"
  [ -n "$COMPARE_REF" ] || keepalive this "$round"
done
stop

if [ -n "$COMPARE_REF" ]; then
  for round in $(seq 1 "$ROUNDS"); do
    for label in ref this; do
      tree=$ROOT; [ "$label" = ref ] && tree=$REF_TREE
      start "$tree" "keepalive-$label"
      wrk -t2 -c64 -d"${WARMUP}s" "http://127.0.0.1:$PORT/api/whoami" >/dev/null 2>&1 || true
      keepalive "$label" "$round"
      stop
    done
  done
fi

python3 - "$OUT/results" "$CONNECTIONS" "$DURATION" "$ROUNDS" "${COMPARE_REF:-}" "$LOAD_BEFORE" "$(cut -d' ' -f1 /proc/loadavg)" "$(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git rev-parse --short HEAD)" <<'PY'
import statistics, sys
path, connections, duration, rounds, ref, load_before, load_after, when = sys.argv[1:]
cells = {}
for line in open(path):
    name, rps, p50, p99, failed = line.rstrip("\n").split("\t")
    cells.setdefault(name, []).append((float(rps or 0), float(p50 or 0), float(p99 or 0), int(failed or 0)))
med = lambda name, i: statistics.median(r[i] for r in cells[name])
print(f"\n### Sticky forwarding (2 Api workers, {connections} keep-alive connections, {duration} s x {rounds} rounds, medians)\n")
print(f"Measured {when}; load average (1 min) {load_before} before, {load_after} after.\n")
print("| requests | req/s | p50 ms | p99 ms | failed |")
print("|---|---:|---:|---:|---:|")
for name, label in (("right-worker", "arrive on the worker their cookie names"), ("forwarded", "misrouted, forwarded to the named worker")):
    if name in cells:
        print(f"| {label} | {med(name, 0):.0f} | {med(name, 1):.2f} | {med(name, 2):.2f} | {sum(r[3] for r in cells[name])} |")
if "right-worker" in cells and "forwarded" in cells:
    print(f"\nforwarded / right worker throughput: {med('forwarded', 0) / med('right-worker', 0):.2f}")
if "keepalive-this" in cells:
    print(f"\nSticky keep-alive (wrk -t2 -c64, no cookie), this tree: {med('keepalive-this', 0):.0f} req/s, p99 {med('keepalive-this', 2):.2f} ms")
if ref and "keepalive-ref" in cells:
    a, b = med("keepalive-ref", 0), med("keepalive-this", 0)
    print(f"Sticky keep-alive: {ref} {a:.0f} req/s, this tree {b:.0f} req/s, ratio {b / a:.3f} (asked: within 0.95-1.05)")
PY
