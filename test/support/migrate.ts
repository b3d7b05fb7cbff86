import mongoose from 'mongoose';
import { migrate } from '../../src/infra/database/migrate.js';
import { registerModels } from '../../src/infra/database/models.js';

/** `npm run migrate` for a test's own database, before a service or worker is started on it. */
export async function migrateDatabase(uri: string, dbName: string): Promise<void> {
  const connection = await mongoose.createConnection(uri, { dbName, autoIndex: false }).asPromise();
  try {
    await migrate(connection.db!, registerModels(connection));
  } finally {
    await connection.close();
  }
}
