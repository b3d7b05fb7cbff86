import type { Db, Document } from 'mongodb';

/** What the connected server can do; decides transactions on/off and which tests can run. */
export interface ServerCapabilities {
  /** 'replset-front': the project's development replica-set front over FerretDB (tools/dev-database). */
  kind: 'mongodb' | 'ferretdb' | 'replset-front';
  /** mongod's version; for FerretDB its own version (e.g. v1.24.2), with the MongoDB version it emulates. */
  version: string;
  /** Multi-document transactions: a real mongod in a replica set, or a mongos. */
  transactions: boolean;
  /** `watch()` works: replica set or mongos of a real MongoDB. */
  changeStreams: boolean;
  /** The replica set name from `hello.setName`, or null. */
  replicaSet: string | null;
}

async function hello(db: Db): Promise<Document> {
  try {
    return await db.command({ hello: 1 });
  } catch {
    return db.command({ isMaster: 1 }); // servers before 4.4.2
  }
}

/**
 * Asks the server what it is (`buildInfo`: FerretDB answers with a `ferretdbVersion` field) and
 * how it is deployed (`hello`: `setName` → replica set, `msg: 'isdbgrid'` → mongos).
 * `logicalSessionTimeoutMinutes` is deliberately ignored: FerretDB reports it without transactions.
 */
export async function detectCapabilities(db: Db): Promise<ServerCapabilities> {
  const [buildInfo, helloReply] = await Promise.all([db.command({ buildInfo: 1 }), hello(db)]);

  const setName = typeof helloReply.setName === 'string' && helloReply.setName !== '' ? helloReply.setName : null;
  const mongos = helloReply.msg === 'isdbgrid';
  const mongoVersion = typeof buildInfo.version === 'string' ? buildInfo.version : 'unknown';

  if ('replSetFront' in buildInfo) {
    // Sessions, serial transactions with undo, atomic single-document updates; no change streams.
    return {
      kind: 'replset-front',
      version: `over ${String((buildInfo.replSetFront as Document).upstream ?? 'FerretDB')}`,
      transactions: setName !== null,
      changeStreams: false,
      replicaSet: setName,
    };
  }
  if ('ferretdbVersion' in buildInfo) {
    const ferretVersion = String(buildInfo.ferretdbVersion);
    return {
      kind: 'ferretdb',
      version: `${ferretVersion} (MongoDB ${mongoVersion} compatible)`,
      transactions: false,
      changeStreams: false,
      replicaSet: setName,
    };
  }

  const distributed = setName !== null || mongos;
  return {
    kind: 'mongodb',
    version: mongoVersion,
    transactions: distributed,
    changeStreams: distributed,
    replicaSet: setName,
  };
}

/** One line for logs and test summaries, e.g. "FerretDB v1.24.2 (...): no transactions, ...". */
export function describeCapabilities(caps: ServerCapabilities): string {
  const name = { ferretdb: 'FerretDB', 'replset-front': 'the replica-set front (NOT MongoDB: serial transactions)', mongodb: 'MongoDB' }[caps.kind];
  const deployment = caps.replicaSet ? `replica set "${caps.replicaSet}"` : caps.transactions ? 'mongos' : 'standalone';
  const flags = [
    caps.transactions ? 'transactions' : 'NO transactions',
    caps.changeStreams ? 'change streams' : 'no change streams',
  ];
  return `${name} ${caps.version}, ${deployment}: ${flags.join(', ')}`;
}
