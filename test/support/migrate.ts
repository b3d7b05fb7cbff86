/** `npm run migrate` for a test's own database, before a service or worker is started on it. */
export { migrateDatabaseAt as migrateDatabase } from '../../src/infra/database/migrate.js';
