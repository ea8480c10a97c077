// Processes the harness starts: each in its own process group, output kept (bounded), and all of them stopped by
// their own ids when the harness ends, however it ends. Nothing here looks a process up by name.
import { spawn, execFileSync } from 'node:child_process';
import { isAlive, eventually } from './procfs.mjs';

const started = new Set();
const extraCleanups = new Set();

/** Starts a process in a new session (its pid is its process group id), capturing stdout and stderr. */
export function start(name, command, args, { env = {}, cwd } = {}) {
  const environment = { ...process.env, ...env };
  // A developer's collector must not receive benchmark telemetry, nor slow the services down.
  delete environment.OTEL_EXPORTER_OTLP_ENDPOINT;
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === null) delete environment[key];
  }
  const child = spawn(command, args, { env: environment, cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const handle = { name, child, pid: child.pid, lines: [], exited: false, exitCode: null, signal: null };
  const capture = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.length === 0) continue;
      handle.lines.push(line);
      if (handle.lines.length > 2000) handle.lines.splice(0, handle.lines.length - 2000);
    }
  };
  child.stdout.on('data', capture);
  child.stderr.on('data', capture);
  child.on('exit', (code, signal) => {
    handle.exited = true;
    handle.exitCode = code;
    handle.signal = signal;
  });
  child.on('error', (error) => {
    handle.exited = true;
    handle.lines.push(`failed to start: ${error.message}`);
  });
  started.add(handle);
  return handle;
}

/** Waits until a line of output matches; returns the match. Fails early when the process exits. */
export async function waitForLine(handle, pattern, deadlineMs) {
  return eventually(() => {
    if (handle.exited) throw new Error(`${handle.name} exited (${handle.signal ?? handle.exitCode}):\n${tail(handle)}`);
    for (const line of handle.lines) {
      const match = pattern.exec(line);
      if (match) return match;
    }
    return null;
  }, deadlineMs, `${pattern} in the output of ${handle.name}`);
}

export function tail(handle, count = 30) {
  return handle.lines.slice(-count).join('\n');
}

/** Graceful stop: the signal, then SIGKILL to the whole process group after the deadline. */
export async function stop(handle, { signal = 'SIGTERM', deadlineMs = 30_000 } = {}) {
  if (!handle.exited) {
    try { process.kill(handle.pid, signal); } catch { /* already gone */ }
    try {
      await eventually(() => handle.exited, deadlineMs, `${handle.name} to exit after ${signal}`);
    } catch {
      killGroup(handle);
      await eventually(() => handle.exited, 10_000, `${handle.name} to exit after SIGKILL`);
    }
  }
  // Whatever the process left in its group (a worker that outlived its parent) goes too: it is ours.
  killGroup(handle);
  started.delete(handle);
}

function killGroup(handle) {
  try { process.kill(-handle.pid, 'SIGKILL'); } catch { /* group empty */ }
}

/** Something else to undo at exit (e.g. `pm2 kill`, which owns a daemon outside our process groups). */
export function onCleanup(action) {
  extraCleanups.add(action);
  return () => extraCleanups.delete(action);
}

function cleanupNow() {
  for (const action of extraCleanups) {
    try { action(); } catch { /* best effort at exit */ }
  }
  extraCleanups.clear();
  for (const handle of started) {
    if (isAlive(handle.pid)) {
      try { process.kill(handle.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    killGroup(handle);
  }
  started.clear();
}

process.on('exit', cleanupNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping every process the harness started`);
    cleanupNow();
    process.exit(130);
  });
}

/** Runs a command to completion and returns its stdout (for version strings and pm2 commands). */
export function run(command, args, options = {}) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, ...options });
}
