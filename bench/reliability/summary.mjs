#!/usr/bin/env node
// Turns the scenario measurements (one JSON line per scenario, written by tests/Reliability.Tests when
// RELIABILITY_RESULTS is set) into a markdown summary with each target beside what was measured.
//   node bench/reliability/summary.mjs <results.jsonl> <out.md>
import fs from 'node:fs';
import os from 'node:os';

const [resultsFile, outFile] = process.argv.slice(2);
const rows = fs.existsSync(resultsFile)
  ? fs.readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line))
  : [];
const percent = (value) => `${(value * 100).toFixed(3)} %`;
const outcomes = (map) => Object.entries(map ?? {}).sort().map(([k, v]) => `${k} ×${v}`).join(', ');

function describe({ scenario, measurements: m }) {
  if (scenario.startsWith('worker-kills')) {
    return {
      what: `SIGKILL a random worker every 3 s under ${Math.round(m.loadSeconds)} s of load (${m.policy}, 2 workers, 16 keep-alive users)`,
      target: m.target ? `≤ ${m.target * 100} % failed; every worker back` : 'comparison only; every worker back',
      measured: `${m.kills} kills, ${m.requests} requests, ${m.failed} failed (${percent(m.failedRate)}; ${m.retryable} on reused connections); `
        + `${m.workersBack}/2 workers Ready after, ${m.restarts} restarts`,
      met: (m.target ? m.failedRate <= m.target : true) && m.workersBack === 2,
    };
  }
  if (scenario.startsWith('rolling-reloads')) {
    return {
      what: `${m.reloads} rolling reloads under load (RoundRobin, 2 workers, keep-alive and Connection: close users)`,
      target: '0 failed requests',
      measured: `${m.requests} requests: ${outcomes(m.outcomes)}; reloads took ${m.reloadSeconds.join(', ')} s`,
      met: m.failed === 0,
      note: m.failed > 0 && m.unretryable === 0
        ? `all ${m.retryable} failures are keep-alive connections closed by a draining worker as the next request went out (RFC 9112 §9.3.1: retryable; HttpClient and browsers retry them)`
        : undefined,
    };
  }
  if (scenario === 'redis-outage') {
    const stateful = Object.entries(m.stateful).map(([endpoint, o]) => `${endpoint}: ${outcomes(o)}`).join('; ');
    const only200or503 = Object.values(m.stateful).every((o) => Object.keys(o).every((k) => k === '200' || k === '503'));
    const statelessOk = Object.keys(m.stateless).every((k) => k === '200');
    return {
      what: `Redis killed for ${m.outageSeconds} s under mixed load (RoundRobin, 2 workers, 12 users with session cookies)`,
      target: 'stateless 100 % OK; session endpoints 503, not 500; all OK again ≤ 5 s after Redis returns',
      measured: `stateless ${outcomes(m.stateless)}; ${stateful}; recovered ${m.recoveredSecondsAfterRedisReturned} s after (1 s resolution)`,
      met: statelessOk && only200or503 && m.recoveredSecondsAfterRedisReturned <= 5,
    };
  }
  if (scenario.startsWith('orphans')) {
    return {
      what: `SIGKILL of a Supervisor (${m.policy}, 2 Api workers)`,
      target: '0 orphaned processes, every port free',
      measured: `${m.orphans} orphans; workers gone ${m.workersGoneMs} ms after; ports free: ${m.portsFree}`,
      met: m.orphans === 0 && m.portsFree,
    };
  }
  if (scenario.startsWith('bad-input')) {
    return {
      what: `bad-input corpus against ${scenario.replace('bad-input-', '')}`,
      target: 'a clear 4xx each; no crash; bounded memory',
      measured: `${m.requests} requests, ${m.refused} refused (statuses ${outcomes(m.statuses)}); max RSS growth over the second half of the rounds: ${m.maxRssGrowthSecondHalfMiB} MiB`
        + (m.grpcStatuses ? `; gRPC: ${outcomes(m.grpcStatuses)}` : '') + (m.restarts !== undefined ? `; ${m.restarts} worker restarts` : ''),
      met: m.refused === m.requests && m.maxRssGrowthSecondHalfMiB < 32 && (m.restarts ?? 0) === 0,
      note: m.not4xx?.length ? `not a 4xx: ${m.not4xx.join('; ')} (the connection is closed after it, as RFC 9112 §6.3 requires)` : undefined,
    };
  }
  if (scenario.startsWith('slowloris')) {
    return {
      what: `slowloris: ${m.slowConnections} connections trickling a request head through Sticky`,
      target: 'cut off; other clients served meanwhile',
      measured: `${m.cutOff}/${m.slowConnections} cut off within ${m.cutOffSeconds} s; normal requests meanwhile: slowest ${m.normalRequestsSlowestMs} ms`,
      met: m.cutOff === m.slowConnections && m.normalRequestsSlowestMs < 5000,
    };
  }
  return { what: scenario, target: '', measured: JSON.stringify(m), met: true };
}

const lines = ['# Reliability results', '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`bench/reliability/run.sh\` `
  + `(RELIABILITY_PROFILE=${rows[0]?.profile ?? 'full'}), ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(1)} at the end. `
  + 'Every number comes from tests/Reliability.Tests, which CI runs in a shorter form. Failed requests are counted on raw '
  + 'HTTP/1.1 connections with no retries.', '',
  '| Scenario | Target | Measured | Met |', '|---|---|---|---|'];
const notes = [];
for (const row of rows) {
  const d = describe(row);
  lines.push(`| ${d.what} | ${d.target} | ${d.measured} | ${d.met ? 'yes' : '**no**'} |`);
  if (d.note) notes.push(`- ${d.what}: ${d.note}`);
}
lines.push('', ...(notes.length ? ['Notes:', '', ...notes, ''] : []));
lines.push('The AppHost SIGKILL case is `tests/AppHost.Tests` `SIGKILL_of_the_AppHost_leaves_no_process_and_no_port_behind`, run by the same script; its result is the PASS/FAIL line of `orphans`.', '');
fs.writeFileSync(outFile, lines.join('\n'));
console.log(lines.join('\n'));
