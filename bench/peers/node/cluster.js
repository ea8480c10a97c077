'use strict';
// node:cluster with N workers on one port: the primary accepts and hands connections out round-robin (the default
// scheduling policy on Linux, SCHED_RR), and forks a replacement when a worker dies - the model the Supervisor follows.
// Usage: WORKERS=2 PORT=3000 node cluster.js
const cluster = require('node:cluster');
const os = require('node:os');

if (cluster.isPrimary) {
  const workers = Number(process.env.WORKERS ?? os.availableParallelism());
  let stopping = false;
  let listening = 0;
  const fork = (index) => {
    const worker = cluster.fork({ WORKER_INDEX: String(index) });
    worker.on('listening', () => {
      if (++listening === workers) {
        console.log(`cluster ready: ${workers} workers, primary pid=${process.pid}`);
      }
    });
    worker.on('exit', (code, signal) => {
      if (!stopping) {
        console.log(`worker ${index} pid=${worker.process.pid} exited (${signal ?? code}), forking a replacement`);
        fork(index);
      }
    });
  };
  for (let i = 0; i < workers; i++) {
    fork(i);
  }
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers)) {
      worker.process.kill('SIGTERM');
    }
    const deadline = setTimeout(() => process.exit(1), 10_000);
    deadline.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers).length === 0) {
        process.exit(0);
      }
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  require('./app.js');
}
