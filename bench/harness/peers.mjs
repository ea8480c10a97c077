// The peers of the matrix: what starts each one, which processes it consists of, and how many requests each of its
// workers served (the per-worker split). Every peer serves GET /api/whoami and GET /api/work?ms=N on one port.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { start, stop, waitForLine, onCleanup, run, tail } from './children.mjs';
import { descendants, eventually, isAlive, isListening, processTable } from './procfs.mjs';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const nodePeerDir = path.join(root, 'bench', 'peers', 'node');
const pm2Bin = path.join(nodePeerDir, 'node_modules', '.bin', 'pm2');
const startDeadlineMs = 120_000;

export const builtAssembly = (project, configuration = 'Release') =>
  path.join(root, project, 'bin', configuration, 'net10.0', `${project}.dll`);

const dotnetEnvironment = {
  ASPNETCORE_ENVIRONMENT: 'Production',
  DOTNET_NOLOGO: '1',
  DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  ASPNETCORE_URLS: null,
  ASPNETCORE_HTTP_PORTS: null,
  URLS: null,
};

async function waitUntilServing(handle, port) {
  await eventually(async () => {
    if (handle.exited) throw new Error(`${handle.name} exited:\n${tail(handle)}`);
    const response = await fetch(`http://127.0.0.1:${port}/api/whoami`, { signal: AbortSignal.timeout(5000) });
    return response.ok;
  }, startDeadlineMs, `${handle.name} to answer on port ${port}`, 250);
}

/** One process serving everything: plain Kestrel, or plain Node for reference. */
function singleProcess(id, label, runtime, commandFor) {
  return {
    id, label, runtime, workers: 1,
    async start(port) {
      const { command, args, env, cwd } = commandFor(port);
      const handle = start(id, command, args, { env, cwd });
      await waitUntilServing(handle, port);
      return {
        processes: () => (isAlive(handle.pid) ? [{ pid: handle.pid, role: 'worker' }] : []),
        served: async () => new Map(),
        stop: () => stop(handle),
      };
    },
  };
}

export const singleKestrel = singleProcess('kestrel', 'Kestrel, 1 process', 'dotnet', (port) => ({
  command: 'dotnet',
  args: ['exec', builtAssembly('Api')],
  env: { ...dotnetEnvironment, ASPNETCORE_URLS: `http://0.0.0.0:${port}` },
  // The content root is the working directory: started from elsewhere, the Api would miss its appsettings.json (and its
  // "Microsoft.AspNetCore": "Warning") and log six lines per request. The Supervisor starts workers in the app's folder too.
  cwd: path.dirname(builtAssembly('Api')),
}));

export const nodeSingle = singleProcess('node-single', 'Node, 1 process', 'node', (port) => ({
  command: process.execPath,
  args: [path.join(nodePeerDir, 'app.js')],
  env: { PORT: String(port) },
  cwd: nodePeerDir,
}));

/** The native Supervisor (`dotnet publish Supervisor -c Release`; bench/run.sh publishes it when clang is there). */
const nativeSupervisor = path.join(root, 'Supervisor', 'bin', 'aot', 'Supervisor');

/**
 * How to start the Supervisor: the native executable when it is there and not older than the JIT build (the rule of
 * Supervisor.Contracts/SupervisorBinary.cs, which the AppHost and the tests follow), else Supervisor.dll; `jit` forces
 * the JIT build, for the side-by-side memory row.
 */
function supervisorCommand(jit) {
  const assembly = builtAssembly('Supervisor');
  const native = !jit && fs.existsSync(nativeSupervisor)
    && (!fs.existsSync(assembly) || fs.statSync(nativeSupervisor).mtimeMs >= fs.statSync(assembly).mtimeMs);
  return native ? { command: nativeSupervisor, args: [] } : { command: 'dotnet', args: ['exec', assembly] };
}

/** The Supervisor with N Api workers under one balancing policy; the split comes from its control API. */
export function supervisor(policy, workers, { jit = false } = {}) {
  return {
    id: `supervisor-${policy.toLowerCase()}${jit ? '-jit' : ''}`,
    label: `Supervisor ×${workers}, ${policy}${jit ? ', JIT-compiled Supervisor' : ''}`,
    runtime: 'dotnet',
    workers,
    async start(port) {
      const token = crypto.randomBytes(24).toString('hex');
      const binary = supervisorCommand(jit);
      if (!jit && binary.command === 'dotnet') throw new Error(`${this.id}: no up-to-date native Supervisor at ${nativeSupervisor}; bench/run.sh publishes it (needs clang)`);
      const handle = start(this.id, binary.command, [...binary.args,
        '--app', builtAssembly('Api'), '--port', String(port), '--workers', String(workers),
        '--balancing', policy, '--control-port', '0', '--name', 'api'], {
        env: {
          ...dotnetEnvironment,
          Supervisor__ControlToken: token,
          // Requests served arrive with each heartbeat; a short interval lets a cell read its split soon after wrk ends.
          Supervisor__Heartbeat__Interval: '00:00:00.500',
        },
      });
      const ready = await waitForLine(handle, /Supervisor ready: \d+ workers on port \d+, control (http:\/\/127\.0\.0\.1:\d+)/, startDeadlineMs);
      const control = ready[1];
      const status = async () => {
        const response = await fetch(`${control}/status`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
        if (!response.ok) throw new Error(`GET ${control}/status answered ${response.status}`);
        return response.json();
      };
      await waitUntilServing(handle, port);
      return {
        control, token, status,
        processes: () => [
          { pid: handle.pid, role: 'primary' },
          ...descendants(handle.pid).map((pid) => ({ pid, role: 'worker' })),
        ],
        served: async () => new Map((await status()).workers.filter((w) => w.pid).map((w) => [w.pid, w.requestsServed])),
        stop: () => stop(handle),
      };
    },
  };
}

const replicasAppHost = path.join(root, 'bench', 'peers', 'aspire', 'bin', 'Release', 'net10.0', 'ReplicasAppHost.dll');

/** The DCP that an AppHost started: DCP detaches (init adopts it), so it is found by the AppHost's pid it monitors. */
function dcpOf(appHostPid) {
  for (const { pid } of processTable()) {
    try {
      const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const monitor = commandLine.indexOf('--monitor');
      if (commandLine.includes('start-apiserver') && monitor >= 0 && Number(commandLine[monitor + 1]) === appHostPid) return pid;
    } catch {
      // Gone meanwhile.
    }
  }
  return null;
}

const commandLineOf = (pid) => {
  try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; }
};

/**
 * Aspire's own answer to "several processes of one project": WithReplicas(n) behind DCP's proxy on one port
 * (bench/peers/aspire). The AppHost and DCP (its API server, controllers, proxy, one `dotnet run` and one monitor per
 * replica) count as the primary's side; the Api processes are the workers. DCP's proxy reports no split.
 */
export function aspireReplicas(replicas) {
  return {
    id: 'aspire-replicas', label: `Aspire WithReplicas(${replicas}), DCP proxy`, runtime: 'dotnet', workers: replicas,
    async start(port) {
      if (!fs.existsSync(replicasAppHost)) throw new Error(`${replicasAppHost} is not built: bench/run.sh builds it`);
      const handle = start(this.id, 'dotnet', ['exec', replicasAppHost, `--Bench:Port=${port}`, `--Bench:Replicas=${replicas}`], {
        env: { ...dotnetEnvironment, DOTNET_ENVIRONMENT: 'Production' }, cwd: path.dirname(replicasAppHost),
      });
      await waitUntilServing(handle, port);
      const dcp = await eventually(() => dcpOf(handle.pid), startDeadlineMs, `the DCP of ${handle.name}`);
      /** One line to the AppHost's stdin (bench/peers/aspire/ReplicaCommands.cs), and its one-line answer. */
      const command = async (line, deadlineMs = 60_000) => {
        const seen = handle.lines.length;
        handle.child.stdin.write(`${line}\n`);
        return eventually(() => handle.lines.slice(seen).find((l) => l.startsWith('bench: ')), deadlineMs, `an answer to '${line}'`);
      };
      return {
        command,
        processes: () => [
          { pid: handle.pid, role: 'primary' },
          ...(isAlive(dcp) ? [{ pid: dcp, role: 'helper' }] : []),
          ...descendants(dcp).map((pid) => ({ pid, role: /\/Api\0?$|Api\.dll/.test(commandLineOf(pid)) ? 'worker' : 'helper' })),
        ],
        served: async () => new Map(),
        async stop() {
          await stop(handle);
          // DCP stops the replicas when it sees its AppHost go; the next cell needs the port and the cores back.
          await eventually(() => !isAlive(dcp), 60_000, `DCP (pid ${dcp}) to exit after its AppHost`);
          await eventually(async () => !(await isListening(port)), 30_000, `port ${port} to be free after DCP`);
        },
      };
    },
  };
}

/** Each Node worker writes {pid, served} to a stats folder twice a second (app.js, BENCH_STATS_DIR). */
function readNodeStats(statsDir) {
  const served = new Map();
  for (const file of fs.readdirSync(statsDir)) {
    try {
      const stats = JSON.parse(fs.readFileSync(path.join(statsDir, file), 'utf8'));
      served.set(stats.pid, stats.served);
    } catch {
      // Half-written: the next read has it.
    }
  }
  return served;
}

export function nodeCluster(workers) {
  return {
    id: 'node-cluster', label: `Node cluster ×${workers}`, runtime: 'node', workers,
    async start(port) {
      const statsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-node-stats-'));
      const handle = start(this.id, process.execPath, [path.join(nodePeerDir, 'cluster.js')], {
        env: { PORT: String(port), WORKERS: String(workers), BENCH_STATS_DIR: statsDir }, cwd: nodePeerDir,
      });
      await waitForLine(handle, /cluster ready/, startDeadlineMs);
      await waitUntilServing(handle, port);
      return {
        processes: () => [
          { pid: handle.pid, role: 'primary' },
          ...descendants(handle.pid).map((pid) => ({ pid, role: 'worker' })),
        ],
        served: async () => readNodeStats(statsDir),
        async stop() {
          await stop(handle);
          fs.rmSync(statsDir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** PM2 cluster mode, with a private PM2_HOME so no user's PM2 is touched, and `pm2 kill` at the end. */
export function pm2Cluster(workers) {
  return {
    id: 'pm2', label: `PM2 cluster ×${workers}`, runtime: 'node', workers,
    async start(port) {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pm2-home-'));
      const statsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-node-stats-'));
      const env = { ...process.env, PM2_HOME: home, PORT: String(port), WORKERS: String(workers), BENCH_STATS_DIR: statsDir };
      const kill = () => {
        try { run(pm2Bin, ['kill'], { env, cwd: nodePeerDir }); } catch { /* daemon already gone */ }
        // pm2 kill stops the daemon; if it could not, the daemon's own pid file names it.
        const pidFile = path.join(home, 'pm2.pid');
        if (fs.existsSync(pidFile)) {
          const daemon = Number(fs.readFileSync(pidFile, 'utf8'));
          if (daemon > 0 && isAlive(daemon)) process.kill(daemon, 'SIGKILL');
        }
      };
      const forget = onCleanup(kill);
      run(pm2Bin, ['start', path.join(nodePeerDir, 'ecosystem.config.js')], { env, cwd: nodePeerDir });
      const daemon = Number(fs.readFileSync(path.join(home, 'pm2.pid'), 'utf8'));
      await eventually(() => isListening(port), startDeadlineMs, `PM2 workers on port ${port}`, 250);
      await eventually(() => readNodeStats(statsDir).size >= workers, startDeadlineMs, `${workers} PM2 workers to start`, 250);
      return {
        processes: () => {
          // The daemon may run helpers of its own (system metrics); only the processes serving app.js are workers.
          const workerPids = new Set(readNodeStats(statsDir).keys());
          return [
            { pid: daemon, role: 'primary' },
            ...descendants(daemon).map((pid) => ({ pid, role: workerPids.has(pid) ? 'worker' : 'helper' })),
          ];
        },
        served: async () => readNodeStats(statsDir),
        async stop() {
          kill();
          forget();
          await eventually(async () => !(await isListening(port)), 30_000, `port ${port} to be free after pm2 kill`);
          fs.rmSync(home, { recursive: true, force: true });
          fs.rmSync(statsDir, { recursive: true, force: true });
        },
      };
    },
  };
}
