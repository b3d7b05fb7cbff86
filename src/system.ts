import type { Server } from 'node:http';
import type { Express } from 'express';
import type { AppConfig } from '../config/index.js';
import { defineJobs, scheduleMaintenanceJobs } from '../jobs/index.js';
import type { RewardsUseCase } from '../jobs/process-checkout-rewards.js';
import { openDatabase } from './infra/database/connection.js';
import { Failpoints } from './infra/failpoints.js';
import type { Logger } from './infra/logger.js';
import { startHttpServer, type HttpServer } from './infra/http-server.js';
import { createMetrics } from './infra/metrics.js';
import { agendaName, createAgenda } from './infra/queue/agenda.js';
import { onePollAtATime } from './infra/queue/one-poll-at-a-time.js';
import { releaseForgottenLocksAfterOutages } from './infra/queue/release-forgotten-locks.js';
import { releaseOwnLocks } from './infra/queue/release-own-locks.js';
import { TokenService } from './http/auth.js';
import { createApp } from './app.js';
import { dataAccess } from './data-access.js';
import { countJobOutcomes } from './ops/job-metrics.js';
import { createOpsApp } from './ops/ops-app.js';
import { registerQueueMetrics } from './ops/queue-metrics.js';
import type { AppContext } from './shared/context.js';

export interface SystemOptions {
  /** Serve the HTTP API (and Agendash). */
  http: boolean;
  /** Run jobs in this process. */
  worker: boolean;
  /** Port to listen on; 0 picks a free one. Defaults to config.port. */
  port?: number;
  /** With no MONGODB_URI: an embedded FerretDB keeps its data in the project's `.data/<this>` across restarts. */
  keepEmbeddedData?: string;
  /** For tests: wraps the rewards use case (e.g. to inject a failure). */
  rewardsUseCase?: RewardsUseCase;
}

export interface System {
  ctx: AppContext;
  app?: Express;
  server?: Server;
  tokens: TokenService;
  url?: string;
  /** The API's internal listener for /metrics and /ready's detail (METRICS_PORT), if any. */
  opsUrl?: string;
  /** Stop taking requests and jobs, let running jobs finish, release every lock this process holds, disconnect. */
  stop(): Promise<void>;
}

/**
 * The composition root: the one place the process's parts are built and wired. Connects first
 * (a clear error if MongoDB is unreachable), then builds Agenda on the same connection.
 */
export async function startSystem(config: AppConfig, log: Logger, options: SystemOptions): Promise<System> {
  const metrics = createMetrics();
  const database = await openDatabase(config, log, {
    keepEmbeddedData: options.keepEmbeddedData,
    onUnitOfWorkAttempt: (unit) => metrics.transactionAttempts.inc({ unit }),
  });
  const agenda = createAgenda(database.db, config.queue, options.worker ? 'worker' : 'api', database.capabilities);
  agenda.on('error', (error: Error) => database.availability.reportBackgroundError('agenda', error));
  await agenda.ready;

  const ctx: AppContext = { config, log, database, ...dataAccess(database), agenda, metrics, failpoints: new Failpoints(config.failpoints) };
  if (config.failpoints.size > 0) log.warn('FAILPOINTS set: this process pauses where a fault test asks', { failpoints: [...config.failpoints.keys()] });
  const tokens = new TokenService(config.token.secret, config.token.ttlSeconds);
  registerQueueMetrics(ctx);

  if (options.worker) {
    defineJobs(agenda, ctx, { rewardsUseCase: options.rewardsUseCase });
    countJobOutcomes(agenda, metrics);
    releaseForgottenLocksAfterOutages(database.db, agenda, database.availability, log);
    agenda.on('retry exhausted', (error: Error, job) =>
      log.error('job failed for good; requeue it from /admin/jobs', { job: job.attrs.name, jobId: job.attrs._id?.toString(), error: error.message }),
    );
  }
  // Started in an API-only process too: Agendash needs a started Agenda. With no job defined
  // there, it runs nothing.
  if (options.worker || options.http) {
    await agenda.start();
    onePollAtATime(agenda);
  }
  if (options.worker) await scheduleMaintenanceJobs(agenda, ctx);

  let app: Express | undefined;
  let http: HttpServer | undefined;
  let ops: HttpServer | undefined;
  if (options.http) {
    app = createApp(ctx, tokens);
    http = await startHttpServer(app, { ...config.http, port: options.port ?? config.port });
    if (config.metrics.port !== undefined) ops = await startHttpServer(createOpsApp(ctx), { ...config.http, port: config.metrics.port });
  } else if (options.worker) {
    // A worker alone still answers probes and scrapes, on a port of its own.
    http = await startHttpServer(createOpsApp(ctx), { ...config.http, port: options.port ?? config.workerHttpPort });
  }
  log.info('started', { listening: http?.address ?? false, ...(ops && { metrics: ops.address }), worker: options.worker, agenda: agendaName(agenda) });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // A worker takes no job from the signal on (a busy event loop is what keeps connections
      // waiting in the kernel), and its running jobs finish while HTTP drains. An API-only process
      // runs no job, and keeps Agenda up for Agendash until its requests are done.
      const jobsDrained = options.worker ? agenda.drain({ timeout: config.queue.shutdownTimeoutMs }) : undefined;
      // Bounded by the drain delay and grace period whatever clients do, so the queue is always released below.
      const opsClosed = ops?.close();
      if (http) {
        const { abandoned, destroyed } = await http.close();
        const graceMs = config.http.shutdownGraceMs;
        if (abandoned > 0) log.warn('shutdown grace period over: requests not finished were answered 503', { abandoned, graceMs });
        if (destroyed > 0) log.warn('shutdown grace period over: HTTP connections destroyed', { destroyed, graceMs });
      }
      await opsClosed;
      const result = await (jobsDrained ?? agenda.drain({ timeout: config.queue.shutdownTimeoutMs }));
      if (result.timedOut) {
        const aborted = await database.unitOfWork.abortInFlight();
        log.warn('shutdown timeout: jobs still running are released for another worker', { running: result.running, transactionsAborted: aborted });
      }
      // The units of work of requests answered 503 abort (they never commit after that answer):
      // their rollback needs the database, so it stays open until they are done, within a budget.
      if (http) await Promise.race([http.abandonedWork(), new Promise((resolve) => setTimeout(resolve, config.transactionBudgetMs).unref())]);
      const released = await releaseOwnLocks(database.db, agendaName(agenda));
      if (released.requeued + released.unlocked > 0) log.info('released job locks held by this process', released);
      await database.close();
      log.info('stopped');
    })());

  return { ctx, app, server: http?.server, tokens, url: http?.url, opsUrl: ops?.url, stop };
}
