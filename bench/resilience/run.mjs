#!/usr/bin/env node
// What a user sees when a worker dies or is replaced, side by side: the Supervisor (RoundRobin, native) against Aspire's
// WithReplicas(2) behind DCP's proxy. Under constant load (wrk keep-alive and Connection: close at once), each scenario
// counts the requests that failed and times how long the peer took to serve with every worker again:
//   kill     SIGKILL one worker process
//   restart  replace one worker: the Supervisor's restart command; Aspire's Restart command on one replica (the dashboard's button)
//   deploy   replace every worker: the Supervisor's rolling reload; Aspire has none, so its Restart command on each replica in turn
// Run through bench/resilience/run.sh. Settings: BENCH_RESILIENCE_ROUNDS=3 BENCH_OUT=docs/benchmarks
import fs from 'node:fs';
import path from 'node:path';
import { runWrk } from '../harness/wrk.mjs';
import { freePort, isListening, eventually, descendants } from '../harness/procfs.mjs';
import { machineFacts, machineLoad } from '../harness/machine.mjs';
import { root, supervisor, aspireReplicas } from '../harness/peers.mjs';

const rounds = Number(process.env.BENCH_RESILIENCE_ROUNDS ?? '3');
const outDir = path.resolve(root, process.env.BENCH_OUT ?? 'docs/benchmarks');
const replaceDeadlineMs = 60_000;
const log = (message) => console.log(`[resilience ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The same questions asked of either peer: which workers serve now, and the three ways to lose one. */
const adapters = {
  supervisor: (running) => {
    const post = async (route) => {
      const response = await fetch(`${running.control}${route}`, { method: 'POST', headers: { Authorization: `Bearer ${running.token}` } });
      if (!response.ok) throw new Error(`POST ${route} answered ${response.status}`);
    };
    const serving = async () => (await running.status()).workers.filter((w) => w.state === 'Ready' && w.pid).map((w) => w.pid);
    return {
      serving,
      kill: async () => { process.kill((await serving())[0], 'SIGKILL'); },
      restart: () => post('/workers/0/restart'),
      deploy: async () => {
        await post('/reload');
        await eventually(async () => (await running.status()).reload?.state === 'Completed', replaceDeadlineMs, 'the rolling reload to complete');
      },
    };
  },
  aspire: (running) => {
    const replicas = async () => {
      const answer = await running.command('replicas');
      return answer.replace('bench: replicas', '').trim().split(' ').filter(Boolean).map((entry) => {
        const [id, rest] = entry.split('=');
        const [state, pid] = rest.split('/');
        return { id, state, pid: Number(pid) };
      });
    };
    const restart = async (id) => {
      const answer = await running.command(`restart ${id}`, replaceDeadlineMs);
      if (!answer.startsWith(`bench: restarted ${id}`)) throw new Error(answer);
    };
    // A replica's pid is its `dotnet run` (Aspire runs projects that way); the Api process it serves with is its child,
    // and that is the process a crash takes down. (SIGKILL of the `dotnet run` instead orphans the Api process.)
    const serving = async () => (await replicas()).filter((r) => r.state === 'Running' && r.pid > 0)
      .flatMap((r) => descendants(r.pid).slice(0, 1));
    return {
      serving,
      kill: async () => { process.kill((await serving())[0], 'SIGKILL'); },
      restart: async () => restart((await replicas())[0].id),
      deploy: async () => {
        for (const { id } of await replicas()) {
          await restart(id);
          await eventually(async () => (await serving()).length === 2, replaceDeadlineMs, `replica ${id} to run again`);
        }
      },
    };
  },
};

const peers = [
  { peer: supervisor('RoundRobin', 2), adapter: adapters.supervisor },
  { peer: aspireReplicas(2), adapter: adapters.aspire },
];

/** Load for the whole scenario; the action starts after 3 s; then the time until two workers serve, none of them old. */
async function scenario(name, ops, url) {
  const before = await ops.serving();
  const loadSeconds = 25;
  const keepAlive = runWrk({ url, threads: 1, connections: 32, seconds: loadSeconds, timeoutSeconds: 5 });
  const close = runWrk({ url, threads: 1, connections: 16, seconds: loadSeconds, headers: ['Connection: close'], timeoutSeconds: 5 });
  await sleep(3000);
  const started = performance.now();
  let replacedSeconds = null;
  let note = '';
  try {
    await ops[name]();
    const fresh = (pids) => (name === 'deploy' ? pids.every((pid) => !before.includes(pid)) : pids.some((pid) => !before.includes(pid)));
    await eventually(async () => {
      const now = await ops.serving();
      return now.length === 2 && fresh(now);
    }, replaceDeadlineMs, `two serving workers after ${name}`, 50);
    replacedSeconds = Math.round(performance.now() - started) / 1000;
  } catch (error) {
    note = error.message.split('\n')[0];
  }
  const [k, c] = await Promise.all([keepAlive, close]);
  const requests = k.requests + c.requests;
  const failed = k.failed + c.failed;
  log(`${name}: ${failed} of ${requests} failed (keep-alive ${k.failed}, close ${c.failed}), workers serving again after ${replacedSeconds ?? '-'} s ${note}`);
  return { scenario: name, requests, failed, failedKeepAlive: k.failed, failedClose: c.failed, replacedSeconds, note, load: machineLoad().loadAverage1m };
}

async function main() {
  const facts = machineFacts(root);
  const loadBefore = machineLoad();
  const results = [];
  for (let round = 0; round < rounds; round++) {
    for (const { peer, adapter } of round % 2 === 0 ? peers : [...peers].reverse()) {
      for (const name of ['kill', 'restart', 'deploy']) {
        const port = await freePort();
        log(`round ${round + 1}/${rounds}: ${peer.label}, ${name}`);
        const running = await peer.start(port);
        try {
          results.push({ round, peer: peer.id, peerLabel: peer.label, ...(await scenario(name, adapter(running), `http://127.0.0.1:${port}/api/whoami`)) });
        } finally {
          await running.stop();
          await eventually(async () => !(await isListening(port)), 30_000, `port ${port} to be free`);
        }
      }
    }
  }
  const run = { facts, rounds, loadBefore, loadAfter: machineLoad(), results };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'resilience.json'), `${JSON.stringify(run, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'resilience.md'), markdown(run));
  log(`done: ${path.join(outDir, 'resilience.md')}`);
}

function markdown(run) {
  const lines = ['# Losing a worker: the Supervisor against Aspire replicas', ''];
  lines.push(`Measured ${run.facts.date.slice(0, 16).replace('T', ' ')} UTC by \`bench/resilience/run.sh\` (commit ${run.facts.commit}), `
    + `${run.facts.cores} cores, ${run.facts.cpu}; load average ${run.loadBefore.loadAverage1m} before, ${run.loadAfter.loadAverage1m} after.`, '');
  lines.push('Each scenario: 25 s of `wrk` on `/api/whoami` (32 keep-alive connections and 16 `Connection: close` connections at once, '
    + '5 s timeout); the action 3 s in. "failed" is non-2xx answers plus broken or timed-out connections. "serving again" is '
    + 'the time from the action until two workers serve again (for *deploy*: two new ones), polled every 50 ms.', '');
  lines.push('| Scenario | Peer | failed requests per round | of requests | serving again after, s, per round |', '|---|---|---|--:|---|');
  for (const name of ['kill', 'restart', 'deploy']) {
    for (const peer of [...new Set(run.results.map((r) => r.peer))]) {
      const rows = run.results.filter((r) => r.scenario === name && r.peer === peer);
      if (!rows.length) continue;
      lines.push(`| ${name} | ${rows[0].peerLabel} | ${rows.map((r) => r.failed).join(' / ')} | ${rows.reduce((s, r) => s + r.requests, 0).toLocaleString('en-US')} `
        + `| ${rows.map((r) => (r.replacedSeconds === null ? `not within ${replaceDeadlineMs / 1000} s` : r.replacedSeconds.toFixed(2))).join(' / ')} |`);
    }
  }
  lines.push('', 'Notes from the runs:', '');
  for (const r of run.results.filter((x) => x.note)) lines.push(`- round ${r.round + 1}, ${r.peer}, ${r.scenario}: ${r.note}`);
  lines.push('');
  return lines.join('\n');
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exit(1);
});
