import type { Agenda } from 'agenda';
import type { AppConfig } from '../../config/index.js';
import type { Database } from '../infra/database/connection.js';
import type { Failpoints } from '../infra/failpoints.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';

/** What every use case may depend on. Built once per process by src/system.ts. */
export interface AppContext {
  config: AppConfig;
  log: Logger;
  database: Database;
  agenda: Agenda;
  metrics: Metrics;
  failpoints: Failpoints;
}
