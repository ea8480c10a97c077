// The report: a markdown table (docs/benchmarks/results.md), the numbers as JSON, and a bar chart as SVG.
import fs from 'node:fs';
import path from 'node:path';

const mb = (bytes) => Math.round(bytes / 2 ** 20);
const fixed = (value, digits) => (value === null || value === undefined ? '-' : value.toFixed(digits));
const rate = (value) => (value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1));

function rssText(processes) {
  const byRole = (role) => processes.filter((p) => p.role === role).sort((a, b) => a.pid - b.pid).map((p) => mb(p.rss));
  const parts = [];
  const primary = byRole('primary');
  const workers = byRole('worker');
  const helpers = byRole('helper');
  if (primary.length) parts.push(`primary ${primary.join(', ')}`);
  parts.push(`${workers.length === 1 && !primary.length ? 'process' : 'workers'} ${workers.join(', ')}`);
  if (helpers.length) parts.push(`helpers ${helpers.join(', ')}`);
  const total = processes.reduce((sum, p) => sum + p.rss, 0);
  return `${parts.join(' · ')} (Σ ${mb(total)})`;
}

const splitText = (cell) => (cell.split.length <= 1 ? '-'
  : `${cell.split.map((s) => `${Math.round(s.share * 100)}%`).join(' / ')}${cell.rounds > 1 ? ` (±${Math.round(cell.splitDeviationMax)} in any round)` : ''}`);

function ratio(cell, cells, peerId) {
  const base = cells.find((c) => c.load === cell.load && c.peer === peerId);
  return base && base.requestsPerSecond > 0 ? `${(cell.requestsPerSecond / base.requestsPerSecond).toFixed(2)}×` : '-';
}

export function markdown(run, chartFile) {
  const { facts, settings, loadBefore, loadAfter } = run;
  const lines = [];
  lines.push('# Benchmark results', '');
  lines.push(`Measured ${facts.date.slice(0, 16).replace('T', ' ')} UTC by \`bench/run.sh\` (commit ${facts.commit}), in ${run.durationSeconds} s.`, '');
  lines.push('| Machine | |', '|---|---|');
  lines.push(`| CPU | ${facts.cores} cores, ${facts.cpu} |`);
  lines.push(`| Memory | ${facts.memoryGiB} GiB |`);
  lines.push(`| OS, kernel | ${facts.os}, ${facts.kernel} |`);
  lines.push(`| .NET | SDK ${facts.dotnetSdk}, ASP.NET Core ${facts.dotnetRuntime} (Release build, Server GC defaults) |`);
  lines.push(`| Node.js | ${facts.node}, Express ${facts.express}, PM2 ${facts.pm2} |`);
  lines.push(`| Load generator | ${facts.wrk}, on the same machine |`);
  lines.push(`| Scheduler autogroups | ${facts.autogroups ?? 'on (not checked by this run)'} |`);
  lines.push(`| Load average (1 min) | ${loadBefore.loadAverage1m} before, ${loadAfter.loadAverage1m} after${loadBefore.quiet === false ? ' - the machine never got quiet: treat the numbers as noisy' : ''} |`);
  lines.push('');
  lines.push(`Each cell: a warm-up of 2 s windows until, for .NET, the busiest process's background JIT thread (".NET Tiered Com") used at most ${((settings.jitQuietShare ?? 0.02) * 100).toFixed(0)} % of a core in two windows in a row, and for Node three windows in a row agree within 5 % (at least ${settings.warmupSeconds} s, at most ${settings.warmupMaxSeconds ?? '-'} s; "warm-up s" is the median it took, and "JIT busy" counts rounds that reached the cap first), then ${settings.seconds} s measured by \`wrk --latency\`, in `
    + `${settings.rounds} round(s) (peers in forward order, then reversed, so a drifting background load favours none); the `
    + 'table shows the median of the rounds with their minimum and maximum; × Kestrel is the median of each round\'s rate over the same round\'s single Kestrel. '
    + `A cell is measured again (up to ${settings.retries ?? 0} times) when other work used more than ${settings.busyCores ?? '-'} cores during it, or the hypervisor stole as much; "busy rounds" counts those that never came out quiet. `
    + `Clusters run ${settings.workers} workers. The CPU load asks for ${settings.cpuMs} ms of CPU per request on both runtimes, `
    + `over ${settings.cpuConnections ?? 8} connections (one per core: the endpoints spin on a wall clock, so more requests in flight than `
    + 'cores would let a multi-threaded server time-slice them and burn less than asked). '
    + 'CPU ms/req is the CPU time (user + system) of all the peer\'s processes during the cell divided by its requests: the '
    + 'cost of a request, and the check that the CPU load really burned its milliseconds. '
    + 'RSS is the highest resident memory each process reached during the cell, in MiB. The split is the share of the cell\'s '
    + 'requests each worker served over all rounds (Supervisor: `requestsServed` from the control API; Node: counts each worker published), '
    + 'with the widest any worker strayed from an even share in one round, in points. Start s is the median time from spawning '
    + 'the peer to its first 200 on the public port, every worker included. '
    + '"failed" counts non-2xx answers plus broken connections. Ratios compare requests/s within this run, the only comparison '
    + 'that holds on a shared machine.', '');
  lines.push('| Load | Peer | req/s median (min-max) | p50 ms | p99 ms | failed | CPU ms/req | RSS per process, MiB | per-worker split | × Node cluster | × Kestrel, median of rounds (min-max) | start s | warm-up s | busy rounds |');
  lines.push('|---|---|--:|--:|--:|--:|--:|---|---|--:|--:|--:|--:|---|');
  for (const load of run.loads) {
    for (const cell of run.cells.filter((c) => c.load === load.id)) {
      const spread = cell.requestsPerSecondByRound?.length > 1 ? ` (${rate(cell.requestsPerSecondMin)}-${rate(cell.requestsPerSecondMax)})` : '';
      const ratios = (cell.ratioToKestrelByRound ?? []).filter((r) => r !== null);
      const kestrelRatio = ratios.length
        ? `${cell.ratioToKestrelMedian.toFixed(2)}×${ratios.length > 1 ? ` (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})` : ''}`
        : '-';
      lines.push(`| ${load.label} | ${cell.peerLabel} | ${rate(cell.requestsPerSecondMedian ?? cell.requestsPerSecond)}${spread} | ${fixed(cell.p50Ms, 2)} | ${fixed(cell.p99Ms, 2)} `
        + `| ${cell.failed} | ${fixed(cell.cpuMsPerRequest, cell.cpuMsPerRequest >= 10 ? 1 : 3)} | ${rssText(cell.processes)} | ${splitText(cell)} | ${ratio(cell, run.cells, 'node-cluster')} | ${kestrelRatio} | ${fixed(cell.startSecondsMedian, 1)} | ${fixed(cell.warmUpSecondsMedian, 0)}${cell.jitBusyRounds ? ` (JIT busy in ${cell.jitBusyRounds})` : ''} | ${cell.busyRounds ?? 0} of ${cell.rounds} (other work ≤ ${fixed(cell.foreignCoresMax, 2)} cores) |`);
    }
  }
  lines.push('', `![Requests per second per peer and load](${chartFile})`, '');
  // Not a link: the template leaves the raw numbers out of a generated solution, and this file stays in.
  lines.push('The raw numbers, with every wrk command line, are in `results.json` beside this file (`bench/run.sh` writes it; a solution made from the template starts without it).', '');
  return lines.join('\n');
}

const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Horizontal bars, one panel per load with its own scale (keep-alive and CPU rates differ by three orders of magnitude). */
export function svgChart(run) {
  const width = 900;
  const labelWidth = 230;
  const barArea = width - labelWidth - 110;
  const barHeight = 20;
  const gap = 6;
  const panelTitle = 34;
  const colors = { dotnet: '#512bd4', node: '#3c873a' };
  let y = 40;
  const parts = [];
  parts.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="17" font-weight="bold">Requests per second (higher is better) - ${run.facts.cores} cores, ${run.settings.seconds} s per cell</text>`);
  for (const load of run.loads) {
    const cells = run.cells.filter((c) => c.load === load.id);
    const max = Math.max(1, ...cells.map((c) => c.requestsPerSecond));
    parts.push(`<text x="10" y="${y + 22}" font-size="15" font-weight="bold">${escape(load.label)}</text>`);
    y += panelTitle;
    for (const cell of cells) {
      const length = Math.max(1, (cell.requestsPerSecond / max) * barArea);
      parts.push(`<text x="${labelWidth - 8}" y="${y + barHeight - 5}" text-anchor="end" font-size="13">${escape(cell.peerLabel)}</text>`);
      parts.push(`<rect x="${labelWidth}" y="${y}" width="${length.toFixed(1)}" height="${barHeight}" fill="${colors[cell.runtime] ?? '#888'}"/>`);
      parts.push(`<text x="${(labelWidth + length + 6).toFixed(1)}" y="${y + barHeight - 5}" font-size="13">${rate(cell.requestsPerSecond)}</text>`);
      y += barHeight + gap;
    }
    y += 10;
  }
  parts.push(`<rect x="${labelWidth}" y="${y + 4}" width="14" height="14" fill="${colors.dotnet}"/><text x="${labelWidth + 20}" y="${y + 16}" font-size="13">.NET (Kestrel / Supervisor)</text>`);
  parts.push(`<rect x="${labelWidth + 230}" y="${y + 4}" width="14" height="14" fill="${colors.node}"/><text x="${labelWidth + 250}" y="${y + 16}" font-size="13">Node.js (Express)</text>`);
  y += 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif">\n`
    + `<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}

export function writeReport(run, outDir) {
  const chart = 'throughput.svg';
  const files = {
    'results.json': `${JSON.stringify(run, null, 2)}\n`,
    [chart]: svgChart(run),
    'results.md': markdown(run, chart),
  };
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(outDir, name), content);
  return Object.keys(files).map((name) => path.join(outDir, name));
}
