'use strict';
// PM2 cluster mode: `pm2 start ecosystem.config.js` runs app.js as WORKERS instances on PORT.
// The benchmark runs PM2 with a private PM2_HOME and ends with `pm2 kill`, so no daemon outlives it.
module.exports = {
  apps: [
    {
      name: 'bench-node',
      script: `${__dirname}/app.js`,
      exec_mode: 'cluster',
      instances: Number(process.env.WORKERS ?? 2),
      autorestart: true,
      // Logs would be written under PM2_HOME at full request rate otherwise; app.js logs one line at start-up.
      merge_logs: true,
      env: {
        PORT: process.env.PORT ?? '3000',
        BENCH_STATS_DIR: process.env.BENCH_STATS_DIR ?? '',
      },
    },
  ],
};
