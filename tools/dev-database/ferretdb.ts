/**
 * FerretDB fallback: a MongoDB-wire-protocol server over SQLite (the default) or, when asked
 * (FERRETDB_POSTGRESQL_URL), over PostgreSQL, built from the project's own Go program in
 * tools/ferretdb (see docs/testing.md, "Building FerretDB here", for why and for what it cannot do).
 *
 * The binary is built once per machine (per source hash) into node_modules/.cache and started
 * on a kernel-chosen free port, or the one asked for. The child exits when its stdin closes, so it dies with this
 * process even on SIGKILL.
 *
 * Over PostgreSQL every server gets a PostgreSQL database of its own, named after the URL's
 * database (the base): a temporary server (no data dir) `<base>_tmp_<pid>_<random>`, created at
 * start and dropped when the server stops (by the child itself, so also when this process is
 * killed); a server with a kept data dir `<base>_<dir name>_<hash of its path>`, kept like the dir.
 *
 * One concern per file under ferretdb/:
 *   server.ts        starting and stopping the server process (startFerretDb)
 *   binary.ts        the build cache: the binary per source hash, built once (ensureFerretDbBinary)
 *   build-lock.ts    the lock that lets one process build while the others wait
 *   go.ts            finding a Go toolchain
 *   postgresql.ts    the PostgreSQL databases: their names, listing and dropping them
 *   project-root.ts  where tools/ferretdb is
 */
export { FERRETDB_VERSION, ensureFerretDbBinary } from './ferretdb/binary.js';
export { findGo } from './ferretdb/go.js';
export { PostgreSqlUnavailable, dropPostgresqlDatabase, listPostgresqlDatabases, postgresqlDatabaseFor, redactPostgresqlUrl } from './ferretdb/postgresql.js';
export { projectRoot } from './ferretdb/project-root.js';
export { startFerretDb, type FerretDbServer, type StartFerretDbOptions } from './ferretdb/server.js';
