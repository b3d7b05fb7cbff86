/**
 * The replica-set front: a MongoDB wire-protocol server of the project's own, in front of one
 * FerretDB, that makes the real driver, mongoose and Agenda see a replica set — so the production
 * code path (transactions, commit handling, retryable writes, elections, topology changes) runs
 * on machines where no mongod can be had. Development and test tooling only: production opens a
 * URI and never imports this.
 *
 * What it does, and where it differs from MongoDB (say so wherever a test relies on it):
 * - Topology: 1 or 3 members on their own ports, all forwarding to the one FerretDB; `hello`
 *   answers as a replica-set member (topology.ts), streaming included.
 * - Sessions and transactions: `lsid`, `txnNumber`, `startTransaction`, `autocommit` and the
 *   concerns are accepted and stripped before forwarding (FerretDB refuses them).
 * - Serial (gate.ts): one transaction at a time and no other command while it is open; writes
 *   outside a transaction one at a time. STRONGER than MongoDB's snapshot isolation: no write
 *   skew and no write conflict arises by itself — inject `WriteConflict` to exercise retries.
 * - Undo (undo.ts): a transaction's writes are undone on abort, on any failed command inside it
 *   (later commands get NoSuchTransaction, TransientTransactionError), past its lifetime limit
 *   (`transactionLifetimeLimitSeconds`, 10 s here, 60 s on mongod: a stuck transaction stops the
 *   whole front), when a client connection that carried it closes (mongod keeps a transaction
 *   across connections; here a dead process must not hold the front), and at a step-down.
 *   A repeated `commitTransaction` of a committed transaction answers ok.
 * - Retryable writes: a write retried with the same `lsid` and `txnNumber` gets the first answer
 *   without running again, as on mongod.
 * - Faults (failpoints.ts): `configureFailPoint` `failCommand`; `replSetStepDown`;
 *   `replSetReconfig`/`replSetGetConfig` to remove or add members; `$changeStream` is refused
 *   (FerretDB has none; code 115 CommandNotSupported).
 * - `buildInfo` carries `replSetFront` (and FerretDB's own `ferretdbVersion`), so nobody takes
 *   it for MongoDB.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, type Document } from 'mongodb';
import { CLOSE_AFTER_APPLY, FAIL_COMMAND, FailPoints, type FailCommandData } from './failpoints.js';
import { defaultLabels, errorReply, noSuchTransaction } from './errors.js';
import { Gate, SerialQueue, type Release } from './gate.js';
import { ReplicaSetState, type Member } from './topology.js';
import { UndoJournal } from './undo.js';
import { Upstream } from './upstream.js';
import {
  encodeMsg,
  encodeReply,
  FLAG_EXHAUST_ALLOWED,
  FLAG_MORE_TO_COME,
  MessageReader,
  num,
  parseCommand,
  replyBody,
  truthy,
  withResponseTo,
  type CommandMessage,
} from './wire.js';

export const FRONT_VERSION = '1';

export interface ReplSetFrontOptions {
  /** FerretDB's address. */
  upstream: { host: string; port: number };
  /** 1 or 3 members. */
  members?: number;
  setName?: string;
  /** Ports of the members (127.0.0.1); default: ones the kernel picks. */
  ports?: number[];
  transactionLifetimeLimitSeconds?: number;
  /** What upstream is, for `buildInfo` and logs (e.g. "FerretDB v1.24.2 over SQLite"). */
  upstreamDescription?: string;
  log?: (level: 'info' | 'warn', message: string) => void;
}

const HELLO = new Set(['hello', 'isMaster', 'ismaster']);
const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
/** Outside a transaction these change data or schema: they run alone. */
const EXCLUSIVE = new Set([...WRITES, 'create', 'createIndexes', 'drop', 'dropDatabase', 'dropIndexes', 'renameCollection', 'collMod']);
/** These touch no data: no gate. */
const UNGATED = new Set(['ping', 'buildInfo', 'buildinfo', 'getParameter', 'serverStatus', 'connectionStatus', 'listCommands', 'killCursors', 'getLog', 'whatsmyuri', 'hostInfo']);
/** Answered on any member, also one removed from the set or between primaries. */
const ANY_MEMBER = new Set([...HELLO, ...UNGATED, 'configureFailPoint', 'replSetGetConfig', 'replSetGetStatus', 'replSetReconfig', 'endSessions', 'refreshSessions', 'setParameter', 'saslStart', 'saslContinue', 'logout']);
/** Fields FerretDB refuses or that mean nothing to it. */
const STRIPPED = ['lsid', 'txnNumber', 'startTransaction', 'autocommit', 'readConcern', 'writeConcern', '$clusterTime', '$readPreference', 'recoveryToken'];

interface Txn {
  txnNumber: number;
  state: 'open' | 'committed' | 'aborted';
  abortReason?: string;
  release: Release;
  journal: UndoJournal;
  queue: SerialQueue;
  timer: NodeJS.Timeout;
}

interface Session {
  txn?: Txn;
  /** The last retryable write outside a transaction, and its answer. */
  lastWrite?: { txnNumber: number; reply: Document };
}

interface Conn {
  id: number;
  socket: net.Socket;
  member: Member;
  upstream: Upstream;
  appName?: string;
  txns: Set<Txn>;
  closed: AbortController;
}

export class ReplSetFront {
  readonly state: ReplicaSetState;
  private readonly servers: net.Server[] = [];
  private readonly sessions = new Map<string, Session>();
  private readonly conns = new Set<Conn>();
  private readonly gate = new Gate();
  private readonly failPoints = new FailPoints();
  private internal!: MongoClient;
  private lifetimeSeconds: number;
  private nextConnectionId = 1;
  private stopped = false;

  constructor(private readonly options: ReplSetFrontOptions) {
    this.state = new ReplicaSetState(options.setName ?? 'rs0');
    this.lifetimeSeconds = options.transactionLifetimeLimitSeconds ?? 10;
  }

  async start(): Promise<this> {
    const { host, port } = this.options.upstream;
    this.internal = await MongoClient.connect(`mongodb://${host}:${port}/?directConnection=true&retryWrites=false`, { serverSelectionTimeoutMS: 10_000 });
    const count = this.options.members ?? 1;
    for (let i = 0; i < count; i++) {
      const server = net.createServer((socket) => this.accept(socket, member));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.ports?.[i] ?? 0, '127.0.0.1', () => resolve());
      });
      const address = server.address() as net.AddressInfo;
      const member = this.state.addMember('127.0.0.1', address.port);
      this.servers.push(server);
    }
    return this;
  }

  /** A seed list of every member, with the set's name: the driver discovers the primary. */
  get uri(): string {
    return `mongodb://${this.state.members.map((m) => m.host).join(',')}/?replicaSet=${this.state.setName}`;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.state.close();
    for (const conn of this.conns) conn.socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await this.internal?.close();
  }

  // ---------------------------------------------------------------- connections

  private accept(socket: net.Socket, member: Member): void {
    socket.setNoDelay(true);
    const conn: Conn = {
      id: this.nextConnectionId++,
      socket,
      member,
      upstream: new Upstream(this.options.upstream.host, this.options.upstream.port),
      txns: new Set(),
      closed: new AbortController(),
    };
    this.conns.add(conn);
    const reader = new MessageReader();
    const queue = new SerialQueue();
    socket.on('data', (chunk) => {
      let messages: Buffer[];
      try {
        messages = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const message of messages) {
        void queue.run(() => this.onMessage(conn, message)).catch((error: Error) => {
          // A client that went away leaves its queued commands failing: nothing to report.
          if (!socket.destroyed) this.options.log?.('warn', `replica-set front: connection ${conn.id} failed: ${error.stack ?? error.message}`);
          socket.destroy();
        });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.conns.delete(conn);
      conn.closed.abort();
      conn.upstream.close();
      for (const txn of conn.txns) void this.abort(txn, 'a client connection that carried it closed');
    });
  }

  private send(conn: Conn, bytes: Buffer): void {
    if (!conn.socket.destroyed) conn.socket.write(bytes);
  }

  private async onMessage(conn: Conn, message: Buffer): Promise<void> {
    const msg = parseCommand(message);
    const name = Object.keys(msg.body)[0] ?? '';
    const answer = (body: Document) =>
      this.send(conn, msg.legacyNamespace !== undefined ? encodeReply(body, msg.header.requestId) : encodeMsg(body, { responseTo: msg.header.requestId }));

    if (msg.legacyNamespace !== undefined) {
      // OP_QUERY: the first hello of a connection, before the driver knows the wire version.
      if (!HELLO.has(name)) return answer(errorReply(59, `the replica-set front answers only hello over OP_QUERY, not ${name}`));
      this.noteClient(conn, msg.body);
      return answer(this.hello(conn, name, msg.body));
    }
    if (HELLO.has(name)) {
      this.noteClient(conn, msg.body);
      const fault = this.failPoints.take(FAIL_COMMAND, name, conn.appName);
      if (fault) {
        const faulted = await this.applyFault(conn, fault, name, { inTransaction: false, retryable: false });
        if (faulted !== undefined) return faulted ? answer(faulted) : undefined;
      }
      return this.answerHello(conn, msg, name);
    }
    const reply = await this.command(conn, msg, name);
    if (reply === null) return;
    if (Buffer.isBuffer(reply)) return this.send(conn, withResponseTo(reply, msg.header.requestId));
    return answer(reply);
  }

  private noteClient(conn: Conn, body: Document): void {
    const appName = (body.client as Document | undefined)?.application as Document | undefined;
    if (appName?.name !== undefined) conn.appName = String(appName.name);
  }

  private hello(conn: Conn, name: string, body: Document): Document {
    return this.state.hello(conn.member, conn.id, { legacy: name !== 'hello', helloOk: truthy(body.helloOk) });
  }

  /** An awaitable hello waits for a topology change; with exhaustAllowed it keeps answering (streaming). */
  private async answerHello(conn: Conn, msg: CommandMessage, name: string): Promise<void> {
    const version = msg.body.topologyVersion as Document | undefined;
    const maxAwait = num(msg.body.maxAwaitTimeMS);
    if (!version || maxAwait === undefined) {
      this.send(conn, encodeMsg(this.hello(conn, name, msg.body), { responseTo: msg.header.requestId }));
      return;
    }
    const waitFrom = (counter: number) =>
      String(version.processId) === conn.member.processId.toHexString() ? this.state.waitForChange(conn.member, counter, maxAwait, conn.closed.signal) : Promise.resolve();
    await waitFrom(num(version.counter) ?? -1);
    const exhaust = (msg.flags & FLAG_EXHAUST_ALLOWED) !== 0;
    const counter = conn.member.counter;
    const first = encodeMsg(this.hello(conn, name, msg.body), { responseTo: msg.header.requestId, flags: exhaust ? FLAG_MORE_TO_COME : 0 });
    this.send(conn, first);
    // Streaming: the driver reads the next answers without asking; they go out detached from
    // this connection's queue (the driver sends nothing else on a monitoring connection).
    if (exhaust) void this.streamHello(conn, name, msg.body, first.readInt32LE(4), counter, maxAwait);
  }

  private async streamHello(conn: Conn, name: string, body: Document, responseTo: number, counter: number, maxAwait: number): Promise<void> {
    for (;;) {
      await this.state.waitForChange(conn.member, counter, maxAwait, conn.closed.signal);
      if (conn.socket.destroyed) return;
      counter = conn.member.counter;
      const reply = encodeMsg(this.hello(conn, name, body), { responseTo, flags: FLAG_MORE_TO_COME });
      this.send(conn, reply);
      responseTo = reply.readInt32LE(4);
    }
  }

  // ---------------------------------------------------------------- commands

  /** A reply document, FerretDB's reply bytes, or null (the connection was closed instead). */
  private async command(conn: Conn, msg: CommandMessage, name: string): Promise<Document | Buffer | null> {
    const body = msg.body;
    const inTransaction = body.autocommit !== undefined && !truthy(body.autocommit);
    const txnNumber = num(body.txnNumber);
    const isTxnEnd = name === 'commitTransaction' || name === 'abortTransaction';
    const retryable = isTxnEnd || (txnNumber !== undefined && !inTransaction && WRITES.has(name));

    if (name === 'configureFailPoint') return this.failPoints.configure(body);

    let lateFault: FailCommandData | undefined;
    const fault = this.failPoints.take(FAIL_COMMAND, name, conn.appName);
    if (fault) {
      const faulted = await this.applyFault(conn, fault, name, { inTransaction: inTransaction && !isTxnEnd, retryable });
      if (faulted === null) return null;
      if (faulted !== undefined) {
        if (inTransaction && !isTxnEnd) await this.abortSessionTxn(body, txnNumber, `the failCommand fail point failed its ${name}`);
        return faulted;
      }
      lateFault = fault;
    }
    const closeAfter = this.failPoints.take(CLOSE_AFTER_APPLY, name, conn.appName);

    let reply = await this.route(conn, msg, name, { inTransaction, txnNumber, retryable });
    if (lateFault?.writeConcernError && reply !== null) {
      const doc = Buffer.isBuffer(reply) ? replyBody(reply) : reply;
      if (doc.ok === 1 || truthy(doc.ok)) reply = { ...doc, writeConcernError: lateFault.writeConcernError };
    }
    if (closeAfter) {
      conn.socket.destroy();
      return null;
    }
    return reply;
  }

  /**
   * The parts of a fail point that act before the command runs: block, close the connection,
   * or answer an error. undefined: the command runs (a writeConcernError is added after).
   */
  private async applyFault(conn: Conn, fault: FailCommandData, name: string, context: { inTransaction: boolean; retryable: boolean }): Promise<Document | null | undefined> {
    if (fault.blockConnection && fault.blockTimeMS) await sleep(fault.blockTimeMS);
    if (fault.closeConnection) {
      conn.socket.destroy();
      return null;
    }
    if (fault.errorCode !== undefined) {
      const labels = fault.errorLabels ?? defaultLabels(fault.errorCode, context);
      return errorReply(fault.errorCode, fault.errmsg ?? `Failing command ${name} via 'failCommand' failpoint`, labels);
    }
    return undefined;
  }

  private async route(conn: Conn, msg: CommandMessage, name: string, c: { inTransaction: boolean; txnNumber?: number; retryable: boolean }): Promise<Document | Buffer | null> {
    const body = msg.body;
    switch (name) {
      case 'replSetGetConfig':
        return { config: this.state.config(), ok: 1 };
      case 'replSetGetStatus':
        return this.status();
      case 'replSetReconfig':
        try {
          this.state.reconfig((body.replSetReconfig ?? {}) as Document);
          return { ok: 1 };
        } catch (error) {
          const e = error as { code?: number; message: string };
          return errorReply(e.code ?? 2, e.message);
        }
      case 'replSetStepDown':
        if (!this.state.isPrimary(conn.member)) return errorReply(10107, 'not primary so can\'t step down');
        // No primary first, so no transaction can start on this member while the open ones abort.
        this.state.stepDown(num(body.replSetStepDown) ?? 60);
        for (const session of this.sessions.values()) if (session.txn?.state === 'open') await this.abort(session.txn, 'the primary stepped down');
        return { ok: 1 };
      case 'endSessions':
        for (const lsid of (body.endSessions ?? []) as Document[]) {
          const key = sessionKey(lsid);
          const txn = this.sessions.get(key)?.txn;
          if (txn) await this.abort(txn, 'its session ended');
          this.sessions.delete(key);
        }
        return { ok: 1 };
      case 'buildInfo':
      case 'buildinfo':
        return { ...replyBody(await this.forward(conn, msg)), replSetFront: this.describe() };
      case 'refreshSessions':
      case 'startSession':
        return { ok: 1 };
      case 'setParameter':
        if (body.transactionLifetimeLimitSeconds !== undefined) {
          const was = this.lifetimeSeconds;
          this.lifetimeSeconds = num(body.transactionLifetimeLimitSeconds) ?? was;
          return { was, ok: 1 };
        }
        break;
      case 'getParameter':
        if (body.transactionLifetimeLimitSeconds !== undefined) return { transactionLifetimeLimitSeconds: this.lifetimeSeconds, ok: 1 };
        break;
    }

    if (!ANY_MEMBER.has(name)) {
      const refused = this.refuseOnMember(conn.member, name, body, c);
      if (refused) {
        // A transaction on a member that is no longer primary is over (mongod aborts it at the
        // step-down): its commit refused must not leave it holding the front.
        if (c.inTransaction || name === 'commitTransaction') await this.abortSessionTxn(body, c.txnNumber, 'its member is not primary any more');
        return refused;
      }
    }
    if (name === 'aggregate' && Array.isArray(body.pipeline) && (body.pipeline as Document[]).some((stage) => '$changeStream' in stage)) {
      return errorReply(115, 'the replica-set front has no change streams ($changeStream): FerretDB v1 does not support them');
    }
    if (name === 'commitTransaction') return this.commit(body, c.txnNumber);
    if (name === 'abortTransaction') return this.abortCommand(body, c.txnNumber);
    if (c.inTransaction) return this.inTransaction(conn, msg, name, c.txnNumber);

    const session = body.lsid ? this.session(body.lsid as Document) : undefined;
    if (c.retryable && session && c.txnNumber !== undefined) {
      if (session.lastWrite?.txnNumber === c.txnNumber) return session.lastWrite.reply;
    }
    const release = UNGATED.has(name) ? () => undefined : await this.gate.acquire(EXCLUSIVE.has(name) ? 'exclusive' : 'shared');
    try {
      const reply = await this.forward(conn, msg);
      if (c.retryable && session && c.txnNumber !== undefined) {
        const doc = replyBody(reply);
        if (truthy(doc.ok)) session.lastWrite = { txnNumber: c.txnNumber, reply: doc };
      }
      return reply;
    } finally {
      release();
    }
  }

  /** Between primaries, or on a secondary: what mongod answers a command that needs a primary. */
  private refuseOnMember(member: Member, name: string, body: Document, c: { inTransaction: boolean; retryable: boolean }): Document | undefined {
    if (!this.state.inConfig(member)) return errorReply(13436, 'node is not in primary or recovering state (removed from the set)', defaultLabels(13436, c));
    if (this.state.isPrimary(member)) return undefined;
    const readPreference = (body.$readPreference as Document | undefined)?.mode;
    const secondaryOk = readPreference !== undefined && readPreference !== 'primary';
    if (!c.inTransaction && !WRITES.has(name) && !EXCLUSIVE.has(name) && name !== 'commitTransaction' && secondaryOk) return undefined;
    if (WRITES.has(name) || EXCLUSIVE.has(name) || c.inTransaction || name === 'commitTransaction' || name === 'abortTransaction') {
      return errorReply(10107, 'not primary', defaultLabels(10107, c));
    }
    return errorReply(13435, 'not primary and secondaryOk=false', defaultLabels(13435, c));
  }

  private async forward(conn: Conn, msg: CommandMessage): Promise<Buffer> {
    const stripped: Document = {};
    for (const [key, value] of Object.entries(msg.body)) if (!STRIPPED.includes(key)) stripped[key] = value;
    return conn.upstream.roundTrip(encodeMsg(stripped, { requestId: msg.header.requestId }));
  }

  // ---------------------------------------------------------------- transactions

  private session(lsid: Document): Session {
    const key = sessionKey(lsid);
    let session = this.sessions.get(key);
    if (!session) {
      session = {};
      this.sessions.set(key, session);
      if (this.sessions.size > 20_000) {
        for (const [k, s] of this.sessions) {
          if (s.txn?.state !== 'open') this.sessions.delete(k);
          if (this.sessions.size <= 10_000) break;
        }
      }
    }
    return session;
  }

  private async inTransaction(conn: Conn, msg: CommandMessage, name: string, txnNumber: number | undefined): Promise<Document | Buffer> {
    const body = msg.body;
    if (!body.lsid || txnNumber === undefined) return errorReply(2, 'a transaction needs lsid and txnNumber');
    const session = this.session(body.lsid as Document);
    if (truthy(body.startTransaction)) {
      if (session.txn?.state === 'open') {
        if (session.txn.txnNumber >= txnNumber) return errorReply(251, 'a transaction with this or a later number is open on the session');
        await this.abort(session.txn, 'a newer transaction started on its session');
      }
      const release = await this.gate.acquire('exclusive');
      // While it waited, its member may have stepped down (mongod aborts transactions then).
      const refused = this.refuseOnMember(conn.member, name, body, { inTransaction: true, retryable: false });
      if (refused) {
        release();
        return refused;
      }
      const txn: Txn = {
        txnNumber,
        state: 'open',
        release,
        journal: new UndoJournal(this.internal),
        queue: new SerialQueue(),
        timer: setTimeout(() => void this.abortPastLifetime(txn), this.lifetimeSeconds * 1000),
      };
      txn.timer.unref();
      session.txn = txn;
    }
    const txn = session.txn;
    if (!txn || txn.txnNumber !== txnNumber) return noSuchTransaction(`no transaction ${txnNumber} on this session`);
    conn.txns.add(txn);
    return txn.queue.run(async () => {
      if (txn.state === 'aborted') return noSuchTransaction(`it was aborted: ${txn.abortReason}`);
      if (txn.state === 'committed') return errorReply(256, 'Transaction has been committed');
      const dbName = String(body.$db);
      const write = WRITES.has(name);
      if (write) await txn.journal.beforeWrite(dbName, name, body);
      const reply = await this.forward(conn, msg);
      const doc = replyBody(reply);
      if (write) txn.journal.afterWrite(dbName, name, body, doc);
      // mongod aborts a transaction on any failed command inside it, duplicate keys included.
      if (!truthy(doc.ok) || (Array.isArray(doc.writeErrors) && doc.writeErrors.length > 0)) {
        await this.abortLocked(txn, `its ${name} failed: ${doc.errmsg ?? (doc.writeErrors as Document[] | undefined)?.[0]?.errmsg ?? 'error'}`);
      }
      return reply;
    });
  }

  private async commit(body: Document, txnNumber: number | undefined): Promise<Document> {
    const txn = body.lsid ? this.sessions.get(sessionKey(body.lsid as Document))?.txn : undefined;
    if (!txn || txn.txnNumber !== txnNumber) return noSuchTransaction(`no transaction ${txnNumber} on this session`);
    return txn.queue.run(async () => {
      if (txn.state === 'committed') return { ok: 1 };
      if (txn.state === 'aborted') return noSuchTransaction(`it was aborted: ${txn.abortReason}`);
      txn.state = 'committed';
      txn.journal.forget();
      this.finish(txn);
      return { ok: 1 };
    });
  }

  private async abortCommand(body: Document, txnNumber: number | undefined): Promise<Document> {
    const txn = body.lsid ? this.sessions.get(sessionKey(body.lsid as Document))?.txn : undefined;
    if (!txn || txn.txnNumber !== txnNumber || txn.state !== 'open') return errorReply(251, 'Transaction is not in progress');
    await this.abort(txn, 'the client aborted it');
    return { ok: 1 };
  }

  private async abortSessionTxn(body: Document, txnNumber: number | undefined, reason: string): Promise<void> {
    const txn = body.lsid ? this.sessions.get(sessionKey(body.lsid as Document))?.txn : undefined;
    if (txn && txn.txnNumber === txnNumber) await this.abort(txn, reason);
  }

  private abort(txn: Txn, reason: string): Promise<number | undefined> {
    return txn.queue.run(() => this.abortLocked(txn, reason));
  }

  /** A transaction left open past its lifetime: aborted, and said once (a client forgot it, or died unseen). */
  private async abortPastLifetime(txn: Txn): Promise<void> {
    const reason = `it passed its lifetime limit (transactionLifetimeLimitSeconds ${this.lifetimeSeconds})`;
    const restored = await this.abort(txn, reason);
    if (restored !== undefined) this.options.log?.('warn', `replica-set front: transaction aborted because ${reason}; ${restored} document(s) restored`);
  }

  /** How many documents it restored; undefined when it was no longer open. */
  private async abortLocked(txn: Txn, reason: string): Promise<number | undefined> {
    if (txn.state !== 'open') return undefined;
    txn.state = 'aborted';
    txn.abortReason = reason;
    const touched = txn.journal.size;
    try {
      await txn.journal.undo();
    } catch (error) {
      this.options.log?.('warn', `replica-set front: UNDO FAILED for an aborted transaction (${reason}): ${(error as Error).message}`);
    } finally {
      this.finish(txn);
    }
    return touched;
  }

  private finish(txn: Txn): void {
    clearTimeout(txn.timer);
    txn.release();
    for (const conn of this.conns) conn.txns.delete(txn);
  }

  private status(): Document {
    return {
      set: this.state.setName,
      term: this.state.term,
      members: this.state.members.map((m) => ({
        _id: m.id,
        name: m.host,
        stateStr: !this.state.inConfig(m) ? 'REMOVED' : this.state.isPrimary(m) ? 'PRIMARY' : 'SECONDARY',
        health: 1,
      })),
      ok: 1,
    };
  }

  /** `buildInfo` through the front says what it is. */
  describe(): Document {
    return { version: FRONT_VERSION, upstream: this.options.upstreamDescription ?? 'FerretDB', members: this.state.members.length, setName: this.state.setName };
  }
}

function sessionKey(lsid: Document): string {
  const id = lsid.id as { toString(encoding?: string): string } | undefined;
  return id ? id.toString('hex') : JSON.stringify(lsid);
}
