import type { DataScope } from '../../infra/database/data-scope.js';

/** Whether the ledger has its unique index on `entryKey`: what makes every entry impossible to write twice. */
export async function hasUniqueEntryKeyIndex({ models, session }: DataScope): Promise<boolean> {
  const indexes = (await models.Ledger.collection.listIndexes({ session }).toArray()) as { key: Record<string, unknown>; unique?: boolean }[];
  return indexes.some((index) => index.unique === true && Object.keys(index.key).length === 1 && index.key.entryKey === 1);
}
