#!/usr/bin/env node
// The benchmark matrix: every peer under every load, one after another on the same machine, then the report.
// Run through bench/run.sh, which builds first. Settings (environment):
//   BENCH_WORKERS=2  BENCH_SECONDS=8  BENCH_WARMUP_SECONDS=4 (at least; until steady)  BENCH_WARMUP_MAX_SECONDS=60  BENCH_JIT_QUIET_SHARE=0.02  BENCH_ROUNDS=5  BENCH_CPU_MS=100  BENCH_CPU_CONNECTIONS=<workers>
//   BENCH_BUSY_CORES=0.1 (other work, in cores, above which a cell is measured again)  BENCH_RETRIES=2
//   BENCH_PEERS=kestrel,supervisor-reuseport,...  BENCH_LOADS=keepalive,close,cpu   (default: all)
//   BENCH_QUIET_WAIT_SECONDS=0 (wait up to this long for a quiet machine)  BENCH_OUT=docs/benchmarks
import fs from 'node:fs';
import path from 'node:path';
import { runWrk } from './wrk.mjs';
import { freePort, isListening, eventually, rssBytes, cpuMilliseconds, machineCpu, ownCpuMilliseconds, threadCpuMilliseconds } from './procfs.mjs';
import { machineFacts, machineLoad, waitForQuiet, schedulerAutogroupsOff } from './machine.mjs';
import { root, singleKestrel, supervisor, aspireReplicas, nodeCluster, pm2Cluster, nodeSingle } from './peers.mjs';
import { writeReport } from './report.mjs';

const setting = (name, fallback) => process.env[name] ?? fallback;
const workers = Number(setting('BENCH_WORKERS', '2'));
const seconds = Number(setting('BENCH_SECONDS', '8'));
const warmupSeconds = Number(setting('BENCH_WARMUP_SECONDS', '4'));
const warmupMaxSeconds = Number(setting('BENCH_WARMUP_MAX_SECONDS', '60'));
// A .NET peer is warm when its background JIT has (almost) nothing left to recompile: at most this share of one core, per
// process, over a 2 s window.
const jitQuietShare = Number(setting('BENCH_JIT_QUIET_SHARE', '0.02'));
const cpuMs = Number(setting('BENCH_CPU_MS', '100'));
// One connection per worker: /api/work spins until 100 ms of wall-clock time have passed, so with more requests in flight
// than cores, .NET's thread pool time-slices several spins and each request gets less than 100 ms of CPU, while a Node
// worker runs one request at a time. The CPU ms/request column shows whether a cell really burned what it asked for.
const cpuConnections = Number(setting('BENCH_CPU_CONNECTIONS', String(workers)));
// Other work on a shared machine comes and goes: every cell is measured once per round, peers in forward order in even
// rounds and in reverse order in odd ones, and the report shows the mean, so a drifting background favours no peer.
const rounds = Number(setting('BENCH_ROUNDS', '5'));
// A cell is measured on a busy machine when processes that are neither the peer, nor wrk, nor this harness used more than
// this many cores on average during it, or the hypervisor stole as much: such a cell is measured again, up to BENCH_RETRIES
// times, and marked busy in the report if it never came out quiet. 0.1 core is 5 % of this 2-core machine.
const busyCores = Number(setting('BENCH_BUSY_CORES', '0.1'));
const retries = Number(setting('BENCH_RETRIES', '2'));
const outDir = path.resolve(root, setting('BENCH_OUT', 'docs/benchmarks'));
const log = (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

const allPeers = [
  singleKestrel,
  supervisor('ReusePort', workers),
  supervisor('RoundRobin', workers),
  // The JIT-compiled Supervisor only beside the native one's memory, under one load: its workers are the same.
  { ...supervisor('RoundRobin', workers, { jit: true }), loads: ['keepalive'] },
  supervisor('Sticky', workers),
  aspireReplicas(workers),
  nodeCluster(workers),
  pm2Cluster(workers),
  nodeSingle,
];

const allLoads = [
  { id: 'keepalive', label: 'keep-alive, 64 connections', path: '/api/whoami', connections: 64, threads: 2, headers: [] },
  { id: 'close', label: 'Connection: close, 64 connections', path: '/api/whoami', connections: 64, threads: 2, headers: ['Connection: close'] },
  { id: 'cpu', label: `CPU ${cpuMs} ms per request, ${cpuConnections} connections`, path: `/api/work?ms=${cpuMs}`, connections: cpuConnections, threads: 2, headers: [] },
];

const pick = (all, variable) => {
  const wanted = process.env[variable]?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted) return all;
  const unknown = wanted.filter((id) => !all.some((item) => item.id === id));
  if (unknown.length) throw new Error(`${variable}: unknown ${unknown.join(', ')}; known: ${all.map((i) => i.id).join(', ')}`);
  return all.filter((item) => wanted.includes(item.id));
};

/**
 * Samples every process of the peer twice a second: the highest RSS each one reached while the load ran, and the CPU time
 * each used between the first and the last sample.
 */
function startRssSampler(running) {
  const peak = new Map();
  const cpuStart = new Map();
  const sample = () => {
    for (const { pid, role } of running.processes()) {
      const rss = rssBytes(pid);
      const cpu = cpuMilliseconds(pid);
      if (cpu !== null && !cpuStart.has(pid)) cpuStart.set(pid, cpu);
      const entry = peak.get(pid) ?? { pid, role, rss: 0, cpuMs: 0 };
      if (rss !== null && rss > entry.rss) entry.rss = rss;
      if (cpu !== null) entry.cpuMs = cpu - cpuStart.get(pid);
      peak.set(pid, entry);
    }
  };
  sample();
  const timer = setInterval(sample, 500);
  return () => {
    clearInterval(timer);
    sample();
    return [...peak.values()];
  };
}

function split(before, after) {
  const rows = [...after.entries()].map(([pid, served]) => ({ pid, served: served - (before.get(pid) ?? 0) }))
    .filter((row) => row.served > 0);
  const total = rows.reduce((sum, row) => sum + row.served, 0);
  return rows.sort((a, b) => a.pid - b.pid).map((row) => ({ ...row, share: total === 0 ? 0 : row.served / total }));
}

async function measure(peer, running, load, port) {
  const url = `http://127.0.0.1:${port}${load.path}`;
  const wrkOptions = { url, threads: load.threads, connections: load.connections, headers: load.headers };
  const warmUp = await warmUpUntilSteady(peer, running, wrkOptions);
  const servedBefore = await running.served();
  const loadBefore = machineLoad();
  const stopSampler = startRssSampler(running);
  const machineBefore = machineCpu();
  const ownBefore = ownCpuMilliseconds();
  const result = await runWrk({ ...wrkOptions, seconds });
  const ownMs = ownCpuMilliseconds() - ownBefore;
  const machineAfter = machineCpu();
  const processes = stopSampler();
  // Everything the machine did beyond the peer, wrk and this harness: other people's work, in cores.
  const peerMs = processes.reduce((sum, p) => sum + p.cpuMs, 0);
  const foreignCores = Math.max(0, machineAfter.busyMs - machineBefore.busyMs - peerMs - ownMs) / (seconds * 1000);
  const stealCores = (machineAfter.stealMs - machineBefore.stealMs) / (seconds * 1000);
  const machine = {
    loadBefore: loadBefore.loadAverage1m, loadAfter: machineLoad().loadAverage1m,
    foreignCores: Math.round(foreignCores * 1000) / 1000, stealCores: Math.round(stealCores * 1000) / 1000,
    busy: foreignCores > busyCores || stealCores > busyCores || loadBefore.otherLoadGenerators > 0,
  };
  // Counts arrive with the next heartbeat (Supervisor) or stats write (Node): wait until they stop moving.
  let servedAfter = await running.served();
  await eventually(async () => {
    await new Promise((r) => setTimeout(r, 1200));
    const next = await running.served();
    const same = [...next.entries()].every(([pid, n]) => servedAfter.get(pid) === n);
    servedAfter = next;
    return same;
  }, 15_000, 'per-worker counts to settle');
  const cell = {
    peer: peer.id, peerLabel: peer.label, runtime: peer.runtime, workers: peer.workers,
    load: load.id, loadLabel: load.label, seconds,
    requests: result.requests, requestsPerSecond: result.requestsPerSecond,
    p50Ms: result.p50Ms, p99Ms: result.p99Ms, errors: result.errors, non2xx: result.non2xx,
    failed: result.failed, failedRate: result.failedRate,
    processes, split: split(servedBefore, servedAfter), machine, warmUp,
    cpuMsPerRequest: result.requests > 0 ? processes.reduce((sum, p) => sum + p.cpuMs, 0) / result.requests : null,
    wrkArgs: result.args.join(' '), wrkOutput: result.output,
  };
  log(`${peer.id} / ${load.id}: ${Math.round(cell.requestsPerSecond)} req/s, p50 ${cell.p50Ms} ms, p99 ${cell.p99Ms} ms, `
    + `CPU ${cell.cpuMsPerRequest?.toFixed(3)} ms/request, `
    + `warm-up ${warmUp.seconds} s${warmUp.jitQuiet ? '' : ' (JIT still busy)'}, failed ${cell.failed}, split ${cell.split.map((s) => `${(s.share * 100).toFixed(1)}%`).join('/') || '-'}, `
    + `other work ${machine.foreignCores} cores, steal ${machine.stealCores}, load ${machine.loadBefore}${machine.busy ? ' BUSY' : ''}`);
  return cell;
}

/**
 * Load until the peer is warm: 2 s windows, at least BENCH_WARMUP_SECONDS in all, at most BENCH_WARMUP_MAX_SECONDS.
 * A fresh .NET process runs tier-0 code first, then instrumented code, then recompiles its hot methods in the background
 * (tiered compilation with dynamic PGO). On 2 cores that wrk and the peer keep busy, the JIT's thread is starved: two
 * worker processes took 20-40 s to finish, while the rate could hold steady for three windows at half speed. A rate-only
 * warm-up measured such half-compiled cells at 0.4× single Kestrel (the "bimodal" rates of earlier runs). So a .NET peer
 * is warm when its JIT thread has been quiet for two windows in a row; it is watched, not guessed from the rate, which
 * for new connections through two workers swings ±30 % between windows for good. Node has no such thread to watch: it is
 * warm when three windows in a row agree within 5 %.
 */
async function warmUpUntilSteady(peer, running, wrkOptions) {
  const windows = [];
  const jitShares = [];
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const jitMs = () => running.processes().filter((p) => p.role === 'worker')
    .map((p) => threadCpuMilliseconds(p.pid, '.NET Tiered Com'));
  while (elapsed() < warmupMaxSeconds) {
    const before = jitMs();
    const windowStarted = performance.now();
    windows.push(Math.round((await runWrk({ ...wrkOptions, seconds: 2 })).requestsPerSecond));
    const after = jitMs();
    const windowMs = performance.now() - windowStarted;
    // The busiest process's JIT, as a share of one core (0 for Node: it has no such thread).
    const share = after.reduce((max, ms, i) => Math.max(max, (ms - (before[i] ?? ms)) / windowMs), 0);
    jitShares.push(Math.round(share * 1000) / 1000);
    const recent = windows.slice(-3);
    const warm = peer.runtime === 'dotnet'
      ? jitShares.length >= 2 && jitShares.slice(-2).every((s) => s <= jitQuietShare)
      : recent.length === 3 && Math.max(...recent) - Math.min(...recent) <= 0.05 * Math.max(...recent);
    if (elapsed() >= warmupSeconds && warm) break;
  }
  return { seconds: Math.round(elapsed() * 10) / 10, windows, jitShares, jitQuiet: jitShares.at(-1) <= jitQuietShare };
}

/** One cell from its rounds: means of rates, latencies and CPU; sums of requests and failures; peak RSS; split over all rounds. */
function combine(rounds) {
  const mean = (pick) => {
    const values = rounds.map(pick).filter((v) => v !== null && v !== undefined);
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  };
  const sum = (pick) => rounds.reduce((total, c) => total + pick(c), 0);
  // Each round starts new processes, so the split is by worker position (first, second) within a round, summed.
  const byPosition = [];
  for (const cell of rounds) cell.split.forEach((row, i) => { byPosition[i] = (byPosition[i] ?? 0) + row.served; });
  const total = byPosition.reduce((a, b) => a + b, 0);
  const peakByRole = new Map();
  for (const cell of rounds) {
    cell.processes.forEach((p) => {
      const key = `${p.role}:${cell.processes.filter((q) => q.role === p.role).sort((a, b) => a.pid - b.pid).indexOf(p)}`;
      const entry = peakByRole.get(key) ?? { pid: p.pid, role: p.role, rss: 0, cpuMs: 0 };
      entry.rss = Math.max(entry.rss, p.rss);
      peakByRole.set(key, entry);
    });
  }
  const first = rounds[0];
  const median = (values) => {
    const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
    if (!sorted.length) return null;
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  const rates = rounds.map((c) => c.requestsPerSecond);
  return {
    requestsPerSecondMedian: median(rates), requestsPerSecondMin: Math.min(...rates), requestsPerSecondMax: Math.max(...rates),
    // Each round's rate over the same round's single Kestrel: a ratio that a drifting machine cannot skew between rounds.
    ratioToKestrelByRound: rounds.map((c) => c.ratioToKestrel ?? null),
    ratioToKestrelMedian: median(rounds.map((c) => c.ratioToKestrel)),
    splitSharesByRound: rounds.map((c) => c.split.map((row) => Math.round(row.share * 1000) / 1000)),
    busyRounds: rounds.filter((c) => c.machine?.busy).length,
    startSecondsMedian: median(rounds.map((c) => c.startSeconds)),
    warmUpSecondsMedian: median(rounds.map((c) => c.warmUp?.seconds)),
    jitBusyRounds: rounds.filter((c) => c.warmUp && !c.warmUp.jitQuiet).length,
    // The widest a worker's share strayed from an even split in any round, in percentage points.
    splitDeviationMax: Math.max(0, ...rounds.flatMap((c) => c.split.map((row) => Math.abs(row.share - 1 / c.workers) * 100))),
    foreignCoresMax: Math.max(...rounds.map((c) => c.machine?.foreignCores ?? 0)),
    peer: first.peer, peerLabel: first.peerLabel, runtime: first.runtime, workers: first.workers,
    load: first.load, loadLabel: first.loadLabel, seconds: first.seconds, rounds: rounds.length,
    requests: sum((c) => c.requests),
    requestsPerSecond: mean((c) => c.requestsPerSecond),
    requestsPerSecondByRound: rounds.map((c) => c.requestsPerSecond),
    p50Ms: mean((c) => c.p50Ms), p99Ms: mean((c) => c.p99Ms),
    failed: sum((c) => c.failed), non2xx: sum((c) => c.non2xx),
    cpuMsPerRequest: mean((c) => c.cpuMsPerRequest),
    processes: [...peakByRole.values()],
    split: byPosition.map((n, i) => ({ pid: i, served: n, share: total === 0 ? 0 : n / total })),
  };
}

async function main() {
  const peers = pick(allPeers, 'BENCH_PEERS');
  const loads = pick(allLoads, 'BENCH_LOADS');
  const quietWait = Number(setting('BENCH_QUIET_WAIT_SECONDS', '0'));
  const before = quietWait > 0 ? await waitForQuiet(3, quietWait, log) : machineLoad();
  const facts = { ...machineFacts(root), autogroups: schedulerAutogroupsOff() };
  log(`scheduler autogroups: ${facts.autogroups}`);
  log(`${peers.length} peers × ${loads.length} loads, ${seconds} s each after ${warmupSeconds} s warm-up; load average ${before.loadAverage1m}`);
  const measured = [];
  const started = Date.now();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? peers : [...peers].reverse();
    for (const peer of order) {
      const port = await freePort();
      log(`round ${round + 1}/${rounds}: starting ${peer.label} on port ${port}`);
      const startedAt = performance.now();
      const running = await peer.start(port);
      // From spawn to the first 200 from /api/whoami on the public port, every worker included.
      const startSeconds = Math.round(performance.now() - startedAt) / 1000;
      try {
        for (const load of loads.filter((l) => !peer.loads || peer.loads.includes(l.id))) {
          let cell = await measure(peer, running, load, port);
          for (let retry = 1; cell.machine.busy && retry <= retries; retry++) {
            log(`${peer.id} / ${load.id}: the machine was busy (other work ${cell.machine.foreignCores} cores); measuring again (${retry}/${retries})`);
            cell = await measure(peer, running, load, port);
          }
          measured.push({ round, startSeconds, ...cell });
        }
      } finally {
        await running.stop();
        await eventually(async () => !(await isListening(port)), 30_000, `port ${port} to be free after ${peer.id} stopped`);
      }
    }
  }
  for (const cell of measured) {
    const kestrel = measured.find((c) => c.peer === 'kestrel' && c.load === cell.load && c.round === cell.round);
    cell.ratioToKestrel = kestrel && kestrel.requestsPerSecond > 0 ? cell.requestsPerSecond / kestrel.requestsPerSecond : null;
  }
  const cells = peers.flatMap((peer) => loads.filter((l) => !peer.loads || peer.loads.includes(l.id))
    .map((load) => combine(measured.filter((c) => c.peer === peer.id && c.load === load.id))));
  const after = machineLoad();
  const run = {
    facts, settings: { workers, seconds, warmupSeconds, warmupMaxSeconds, jitQuietShare, rounds, cpuMs, cpuConnections, busyCores, retries }, loadBefore: before, loadAfter: after,
    durationSeconds: Math.round((Date.now() - started) / 1000), peers: peers.map((p) => ({ id: p.id, label: p.label })),
    loads: loads.map((l) => ({ id: l.id, label: l.label })), cells, measured,
  };
  fs.mkdirSync(outDir, { recursive: true });
  const files = writeReport(run, outDir);
  log(`done in ${run.durationSeconds} s: ${files.join(', ')}`);
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exit(1);
});
