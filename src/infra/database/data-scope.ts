import type { ClientSession } from 'mongoose';
import type { Models } from './models.js';

/**
 * What a query of a capability's `data/` folder runs in: the models and, inside a unit of work,
 * its transaction's session (undefined outside one). Only `data/` files take it; use cases get the
 * queries bound to it as repositories (src/data-access.ts), so they never see a session or a model.
 */
export interface DataScope {
  readonly models: Models;
  readonly session: ClientSession | undefined;
}

/** A query: one database operation, its scope first (graphile-worker's one file per verb). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any argument list: the binding keeps each query's own types.
export type Query = (scope: DataScope, ...args: any[]) => unknown;

/** The queries with their scope bound: what a use case calls. */
export type Bound<Q extends Record<string, Query>> = {
  [K in keyof Q]: Q[K] extends (scope: DataScope, ...args: infer A) => infer R ? (...args: A) => R : never;
};

/** A repository: every query of a capability bound to one scope (a transaction, or none). */
export function bindQueries<Q extends Record<string, Query>>(scope: DataScope, queries: Q): Bound<Q> {
  const bound: Record<string, unknown> = {};
  for (const [name, query] of Object.entries(queries)) bound[name] = (...args: unknown[]) => query(scope, ...args);
  return bound as Bound<Q>;
}
