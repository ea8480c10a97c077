'use strict';
// The seed demo's two Express endpoints, shaped like the .NET Api's, so both sides answer the same requests:
//   GET /api/whoami      JSON hello with the pid that served it
//   GET /api/work?ms=N   burns N ms of CPU (1..5000) on the event loop, as the .NET endpoint burns it on a thread
// Run alone (`node app.js`), under node:cluster (cluster.js) or under PM2 cluster mode (ecosystem.config.js).
const fs = require('node:fs');
const path = require('node:path');
const express = require('express');

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
const startedAt = new Date();
// Which slot this process is: node:cluster sets WORKER_INDEX (cluster.js), PM2 sets NODE_APP_INSTANCE.
const workerIndex = process.env.WORKER_INDEX ?? process.env.NODE_APP_INSTANCE ?? null;
const instance = workerIndex === null ? 'node' : `node-${workerIndex}`;

let served = 0;

const app = express();
app.disable('x-powered-by');
app.use((req, res, next) => {
  served++;
  res.setHeader('X-Served-By', `node/${instance} pid=${process.pid}`);
  next();
});

app.get('/alive', (req, res) => res.type('text/plain').send('Healthy'));

app.get('/api/whoami', (req, res) => {
  res.json({
    service: 'node',
    instance,
    workerIndex: workerIndex === null ? null : Number(workerIndex),
    pid: process.pid,
    startedAt: startedAt.toISOString(),
    uptimeSeconds: Math.round((Date.now() - startedAt.getTime())) / 1000,
  });
});

app.get('/api/work', (req, res) => {
  const ms = /^[0-9]+$/.test(req.query.ms ?? '') ? Number(req.query.ms) : NaN;
  if (!(ms >= 1 && ms <= 5000)) {
    res.status(400).type('application/problem+json').json({
      title: "Invalid query parameter 'ms'",
      status: 400,
      errors: { ms: ['ms must be a whole number of milliseconds from 1 to 5000.'] },
    });
    return;
  }
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let spins = 0;
  while (process.hrtime.bigint() < deadline) {
    spins++;
  }
  res.json({ requestedMs: ms, elapsedMs: Number(process.hrtime.bigint() - start) / 1e6, spins, pid: process.pid });
});

const server = app.listen(port, host, () => {
  console.log(`${instance} pid=${process.pid} listening on ${host}:${port}`);
});
// Same idle keep-alive window as Kestrel's default, so no peer wins by closing idle connections sooner.
server.keepAliveTimeout = 130_000;
server.headersTimeout = 131_000;

// The benchmark's per-worker split: each process publishes how many requests it served, as a Supervisor worker's
// heartbeat does. Off unless BENCH_STATS_DIR is set; one small write a second does not show in the numbers.
const statsDir = process.env.BENCH_STATS_DIR;
if (statsDir) {
  const file = path.join(statsDir, `${process.pid}.json`);
  const publish = () => fs.writeFileSync(file, JSON.stringify({ pid: process.pid, instance, served }));
  publish();
  setInterval(publish, 500).unref();
}

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
