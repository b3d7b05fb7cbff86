import { userQueries } from './accounts/data/index.js';
import { auditRunQueries, bookQueries } from './books/data/index.js';
import { cartQueries } from './cart/data/index.js';
import { catalogQueries } from './catalog/data/index.js';
import { idempotencyKeyQueries } from './checkout/data/index.js';
import type { Database } from './infra/database/connection.js';
import { bindQueries, type DataScope } from './infra/database/data-scope.js';
import type { UnitOfWorkWith } from './infra/database/unit-of-work.js';
import type { Models } from './infra/database/models.js';
import { purchaseQueries } from './purchases/data/index.js';
import { refundQueries } from './refunds/data/index.js';
import { pointQueries, rewardQueries } from './rewards/data/index.js';
import { walletQueries } from './wallet/data/index.js';

/**
 * The data-access seam (Practica's data-access layer, graphile-worker's one file per query): every
 * capability's queries live in its `data/` folder, one file per operation, and are handed to use
 * cases as repositories bound to one scope — a unit of work's transaction, or none for a read.
 * Use cases never import mongoose or the models (eslint.config.js holds them to it).
 */
export function repositories(scope: DataScope) {
  return {
    users: bindQueries(scope, userQueries),
    cart: bindQueries(scope, cartQueries),
    catalog: bindQueries(scope, catalogQueries),
    idempotencyKeys: bindQueries(scope, idempotencyKeyQueries),
    purchases: bindQueries(scope, purchaseQueries),
    wallet: bindQueries(scope, walletQueries),
    points: bindQueries(scope, pointQueries),
    rewards: bindQueries(scope, rewardQueries),
    refunds: bindQueries(scope, refundQueries),
    books: bindQueries(scope, bookQueries),
    auditRuns: bindQueries(scope, auditRunQueries),
  };
}

export type Repositories = ReturnType<typeof repositories>;

/** The repositories outside a transaction, for tools and tests that hold the models. */
export function repositoriesOf(models: Models): Repositories {
  return repositories({ models, session: undefined });
}

export interface DataAccess {
  /** The repositories outside any transaction: single reads and single atomic writes. */
  data: Repositories;
  /** `unitOfWork.run({ name }, (tx) => …)`: `tx` is the repositories bound to the unit's transaction. */
  unitOfWork: UnitOfWorkWith<Repositories>;
}

export function dataAccess(database: Pick<Database, 'models' | 'unitOfWork'>): DataAccess {
  const { models } = database;
  return {
    data: repositoriesOf(models),
    unitOfWork: { run: (options, work) => database.unitOfWork.run(options, (session) => work(repositories({ models, session }))) },
  };
}
