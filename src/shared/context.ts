import type { Agenda } from 'agenda';
import type { AppConfig } from '../../config/index.js';
import type { Database } from '../infra/database/connection.js';
import type { Repositories } from '../data-access.js';
import type { UnitOfWorkWith } from '../infra/database/unit-of-work.js';
import type { Failpoints } from '../infra/failpoints.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';

/** What every use case may depend on. Built once per process by src/system.ts. */
export interface AppContext {
  config: AppConfig;
  log: Logger;
  /** The connection and its machinery, for the infrastructure; use cases go through `data` and `unitOfWork`. */
  database: Database;
  /** The repositories outside a transaction (src/data-access.ts). */
  data: Repositories;
  /** Runs work atomically within a time budget, handing it the repositories bound to its transaction. */
  unitOfWork: UnitOfWorkWith<Repositories>;
  agenda: Agenda;
  metrics: Metrics;
  failpoints: Failpoints;
}
