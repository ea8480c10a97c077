// What the kernel says about processes: resident memory, children, and whether a port still has a listener.
import fs from 'node:fs';
import net from 'node:net';
import { execFileSync } from 'node:child_process';

/** Resident set size in bytes, or null when the process is gone. See proc(5), /proc/pid/status VmRSS. */
export function rssBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const clockTicksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) the process has used so far, in milliseconds, or null when it is gone. See proc(5), /proc/pid/stat. */
export function cpuMilliseconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 (utime) and 15 (stime) of stat, counted from 1; here the list starts at field 3 (state).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
  } catch {
    return null;
  }
}

/**
 * CPU time, in milliseconds, that the threads of <pid> named <threadName> (/proc/<pid>/task/<tid>/comm) have used so far.
 * .NET names its background JIT thread ".NET Tiered Com": its CPU shows whether hot code is still being recompiled.
 */
export function threadCpuMilliseconds(pid, threadName) {
  let total = 0;
  let tasks;
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tasks) {
    try {
      if (fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() !== threadName) continue;
      total += cpuMilliseconds(`${pid}/task/${tid}`) ?? 0;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return total;
}

/**
 * The whole machine's CPU time so far, in milliseconds: busy (user, nice, system, irq, softirq) and stolen by the
 * hypervisor (steal). See proc(5), /proc/stat, the first "cpu" line.
 */
export function machineCpu() {
  const [, ...values] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
  const toMs = (ticks) => (ticks * 1000) / clockTicksPerSecond;
  return { busyMs: toMs(user + nice + system + irq + softirq), stealMs: toMs(steal ?? 0) };
}

/** CPU time of this process and of its waited-for children (every wrk run), in milliseconds. See proc(5), utime..cstime. */
export function ownCpuMilliseconds() {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / clockTicksPerSecond;
}

/** Parent pid, state and command name of every process: proc(5), /proc/pid/stat (comm may hold spaces and parentheses). */
export function processTable() {
  const table = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      table.push({ pid: Number(entry), comm: stat.slice(stat.indexOf('(') + 1, close), state: fields[0], ppid: Number(fields[1]) });
    } catch {
      // Gone between readdir and read.
    }
  }
  return table;
}

/** Every live (non-zombie) descendant of pid. */
export function descendants(pid) {
  const table = processTable().filter((p) => p.state !== 'Z');
  const found = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const child of table.filter((p) => p.ppid === parent)) {
      found.push(child.pid);
      queue.push(child.pid);
    }
  }
  return found;
}

export function isAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** A free loopback port, chosen by the kernel. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits for a condition with a deadline; throws with what was awaited. */
export async function eventually(condition, deadlineMs, what, intervalMs = 100) {
  const end = Date.now() + deadlineMs;
  let last;
  while (Date.now() < end) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${deadlineMs / 1000} s waiting for ${what}${last ? `: ${last.message}` : ''}`);
}
