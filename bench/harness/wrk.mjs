// Runs wrk and reads its report: requests, rate, latency percentiles and every kind of error it counts.
import { spawn } from 'node:child_process';

const units = { us: 1e-3, ms: 1, s: 1000, m: 60_000 };

function toMs(text) {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  return match ? Number(match[1]) * units[match[2]] : null;
}

export function parseWrk(output) {
  const number = (pattern) => {
    const match = pattern.exec(output);
    return match ? Number(match[1]) : 0;
  };
  const latency = (percent) => {
    const match = new RegExp(`^\\s+${percent}%\\s+(\\S+)\\s*$`, 'm').exec(output);
    return match ? toMs(match[1]) : null;
  };
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = sockets
    ? { connect: Number(sockets[1]), read: Number(sockets[2]), write: Number(sockets[3]), timeout: Number(sockets[4]) }
    : { connect: 0, read: 0, write: 0, timeout: 0 };
  const requests = number(/(\d+) requests in/);
  const non2xx = number(/Non-2xx or 3xx responses: (\d+)/);
  const socketErrors = errors.connect + errors.read + errors.write + errors.timeout;
  return {
    requests,
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: latency(50),
    p75Ms: latency(75),
    p90Ms: latency(90),
    p99Ms: latency(99),
    errors,
    non2xx,
    // A request that got an error status, or a connection that broke under it, failed.
    failed: non2xx + socketErrors,
    failedRate: requests + socketErrors === 0 ? 0 : (non2xx + socketErrors) / (requests + socketErrors),
  };
}

/** wrk -t threads -c connections -d seconds --latency [headers] url. */
export function runWrk({ url, threads = 2, connections = 64, seconds = 10, headers = [], timeoutSeconds = 10 }) {
  const args = ['-t', String(Math.min(threads, connections)), '-c', String(connections), '-d', `${seconds}s`,
    '--latency', '--timeout', `${timeoutSeconds}s`];
  for (const header of headers) args.push('-H', header);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`wrk ${args.join(' ')} exited ${code}:\n${output}`));
      else resolve({ args, output, ...parseWrk(output) });
    });
  });
}
