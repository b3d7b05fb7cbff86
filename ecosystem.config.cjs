/**
 * pm2 deployment, as the original system ran: API processes that run no job (RUN_WORKER=false;
 * they still serve Agendash) and N worker processes sharing the queue through Agenda's locks.
 *
 *   npm run build
 *   MONGODB_URI=… npm run migrate      # the schema of this version, before it starts (it only checks)
 *   MONGODB_URI='mongodb://…/?replicaSet=rs0' NODE_ENV=production ADMIN_USERNAME=… ADMIN_PASSWORD=… \
 *     TOKEN_SECRET=… pm2 start ecosystem.config.cjs
 *   pm2 scale checkout-worker 5        # more workers
 *   pm2 stop ecosystem.config.cjs      # graceful: SIGINT, running jobs finish, locks released
 *
 * Every setting comes from the environment pm2 is started with (see .env.example); this file sets
 * only the process layout. API_INSTANCES (default 2, cluster mode: they share PORT) and
 * WORKER_INSTANCES (default 3) size it. PM2_FROM_SOURCE=1 runs the TypeScript through tsx
 * instead of the build (the pm2 test does).
 */
const fromSource = process.env.PM2_FROM_SOURCE === '1';
const script = (name) => (fromSource ? `src/${name}.ts` : `dist/src/${name}.js`);
const nodeArgs = fromSource ? ['--import', 'tsx'] : [];
// Named, so pm2 doesn't look for bun or native type stripping for a .ts script.
const interpreter = 'node';
const count = (value, fallback) => (value && /^\d+$/.test(value) ? Number(value) : fallback);
// pm2 sends SIGINT, then SIGKILL after kill_timeout: leave the graceful shutdown its whole
// SHUTDOWN_TIMEOUT_MS (running jobs finish, locks released) and some margin.
const killTimeout = count(process.env.SHUTDOWN_TIMEOUT_MS, 30_000) + 15_000;

module.exports = {
  apps: [
    {
      name: 'checkout-api',
      script: script('server'),
      interpreter,
      node_args: nodeArgs,
      exec_mode: 'cluster',
      instances: count(process.env.API_INSTANCES, 2),
      env: { RUN_WORKER: 'false' },
      kill_timeout: killTimeout,
      listen_timeout: 60_000,
      max_restarts: 10,
    },
    {
      name: 'checkout-worker',
      script: script('worker'),
      interpreter,
      node_args: nodeArgs,
      exec_mode: 'fork',
      instances: count(process.env.WORKER_INSTANCES, 3),
      kill_timeout: killTimeout,
      max_restarts: 10,
    },
  ],
};
