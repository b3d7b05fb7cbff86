import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the process, exposed at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    checkouts: new Counter({
      name: 'checkouts_total',
      help: 'Checkouts by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    transactionAttempts: new Counter({
      name: 'unit_of_work_attempts_total',
      help: 'Attempts of units of work (transactions, retries included) by unit; attempts above the number of units are conflict retries',
      labelNames: ['unit'] as const,
      registers: [registry],
    }),
    jobOutcomes: new Counter({
      name: 'agenda_jobs_total',
      help: 'Job runs by job name and outcome: succeeded, failed (each failed run), retried (a retry scheduled), failed_for_good (retries exhausted)',
      labelNames: ['job', 'outcome'] as const,
      registers: [registry],
    }),
    jobRuns: new Histogram({
      name: 'job_run_duration_seconds',
      help: 'Agenda job runs by job name and outcome',
      labelNames: ['job', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    ledgerAuditDiscrepancies: new Gauge({
      name: 'ledger_audit_discrepancies',
      help: "Discrepancies the last books audit in this process found, by check (0: the books hold there); alert on any above 0",
      labelNames: ['check'] as const,
      registers: [registry],
    }),
    ledgerAuditLastSuccess: new Gauge({
      name: 'ledger_audit_last_success_timestamp_seconds',
      help: 'When the last books audit in this process ran to its end (with or without findings); alert when it is older than the audit interval',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
