// The facts a reader needs to compare their numbers with ours: cores, CPU, memory, kernel, runtimes, tools, load.
import fs from 'node:fs';
import os from 'node:os';
import { run, onCleanup } from './children.mjs';
import { processTable } from './procfs.mjs';

const safe = (action) => {
  try { return action().trim(); } catch { return 'unknown'; }
};

export function machineFacts(root) {
  const cpuinfo = safe(() => fs.readFileSync('/proc/cpuinfo', 'utf8'));
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    date: new Date().toISOString(),
    cores: os.availableParallelism(),
    cpu: model,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    os: safe(() => /^PRETTY_NAME="?([^"\n]+)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))[1]),
    dotnetSdk: safe(() => run('dotnet', ['--version'], { cwd: root })),
    dotnetRuntime: safe(() => run('dotnet', ['--list-runtimes']).split('\n').filter((l) => l.startsWith('Microsoft.AspNetCore.App')).map((l) => l.split(' ')[1]).join(', ')),
    node: process.version,
    pm2: safe(() => JSON.parse(fs.readFileSync(`${root}/bench/peers/node/node_modules/pm2/package.json`, 'utf8')).version),
    express: safe(() => JSON.parse(fs.readFileSync(`${root}/bench/peers/node/node_modules/express/package.json`, 'utf8')).version),
    wrk: safe(() => run('sh', ['-c', 'wrk --version 2>&1 || true']).split('\n')[0]),
    commit: safe(() => run('git', ['rev-parse', '--short', 'HEAD'], { cwd: root })),
  };
}

/** The 1-minute load average and whether another load generator is running: a noisy machine makes noisy numbers. */
export function machineLoad() {
  const others = processTable().filter((p) => p.comm === 'wrk' && p.ppid !== process.pid && p.state !== 'Z');
  return { loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100, otherLoadGenerators: others.length };
}

/** Waits (up to deadlineSeconds) for load average below the limit and no other wrk; returns what it saw. */
export async function waitForQuiet(limit, deadlineSeconds, log) {
  const end = Date.now() + deadlineSeconds * 1000;
  for (;;) {
    const load = machineLoad();
    if (load.loadAverage1m < limit && load.otherLoadGenerators === 0) return { ...load, quiet: true };
    if (Date.now() >= end) return { ...load, quiet: false };
    log(`machine busy (load average ${load.loadAverage1m}, ${load.otherLoadGenerators} other wrk): waiting, ${Math.round((end - Date.now()) / 1000)} s left`);
    await new Promise((r) => setTimeout(r, 30_000));
  }
}

const autogroupPath = '/proc/sys/kernel/sched_autogroup_enabled';

/**
 * Scheduler autogroups off for the run, and back as they were however it ends. With them on, the kernel shares CPU
 * fairly between sessions rather than threads, and every peer runs in a session of its own (a process group the harness
 * can stop as one), apart from wrk's: under a new connection per request, where wrk needs a full core, that halved the
 * Supervisor's rate (9,000-12,000 against 21,000-27,000 req/s started in wrk's session), an artifact of the bench, not of
 * the product. Returns what the report states: "off (was on)", "off", or why it stayed on.
 */
export function schedulerAutogroupsOff() {
  let before;
  try {
    before = fs.readFileSync(autogroupPath, 'utf8').trim();
  } catch {
    return 'not in this kernel';
  }
  if (before === '0') return 'off';
  try {
    fs.writeFileSync(autogroupPath, '0');
  } catch {
    return 'ON (not root: peers in sessions of their own compete with wrk as groups; new-connection figures are low)';
  }
  onCleanup(() => fs.writeFileSync(autogroupPath, before));
  return 'off for the run (was on)';
}

