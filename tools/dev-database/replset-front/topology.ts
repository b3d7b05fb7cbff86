/**
 * The replica set the front pretends to be: members on their own ports (all forwarding to one
 * FerretDB), which of them is primary, the election term, the set's config. Each change bumps
 * the members' `topologyVersion`, which wakes the drivers' streaming `hello` at once, as a real
 * member's does (mongodb/specifications, server-discovery-and-monitoring, "streaming protocol").
 */
import { EventEmitter } from 'node:events';
import { Long, ObjectId, type Document } from 'mongodb';

export interface Member {
  id: number;
  /** `127.0.0.1:<its port>`, as it names itself in `hello`. */
  host: string;
  /** topologyVersion.processId: fixed for the member's life. */
  processId: ObjectId;
  /** topologyVersion.counter: bumped on every change the member would report. */
  counter: number;
}

/** MongoDB 7.0's wire version: the driver takes its 7.0 code paths. */
export const MAX_WIRE_VERSION = 21;
export const SESSION_TIMEOUT_MINUTES = 30;

export class ReplicaSetState extends EventEmitter {
  readonly members: Member[] = [];
  /** Ids of the members in the current config; the others answer as removed. */
  private configIds = new Set<number>();
  configVersion = 1;
  term = 1;
  primaryId: number | null = null;
  private electionTimer: NodeJS.Timeout | undefined;

  constructor(readonly setName: string) {
    super();
    this.setMaxListeners(0);
  }

  addMember(host: string, port: number): Member {
    const member: Member = { id: this.members.length, host: `${host}:${port}`, processId: new ObjectId(), counter: 0 };
    this.members.push(member);
    this.configIds.add(member.id);
    this.primaryId ??= member.id;
    return member;
  }

  inConfig(member: Member): boolean {
    return this.configIds.has(member.id);
  }

  isPrimary(member: Member): boolean {
    return this.primaryId === member.id;
  }

  get primary(): Member | undefined {
    return this.primaryId === null ? undefined : this.members[this.primaryId];
  }

  /** A real primary's electionId: the term in an ObjectId whose time part is 0x7fffffff. */
  get electionId(): ObjectId {
    return new ObjectId(`7fffffff${this.term.toString(16).padStart(16, '0')}`);
  }

  private changed(): void {
    for (const member of this.members) member.counter++;
    this.emit('change');
  }

  /** Waits until `member`'s topology changes past `counter`, or `maxAwaitMs` passes. */
  waitForChange(member: Member, counter: number, maxAwaitMs: number, cancel: AbortSignal): Promise<void> {
    if (member.counter !== counter) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.off('change', done);
        cancel.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, maxAwaitMs);
      this.on('change', done);
      cancel.addEventListener('abort', done);
    });
  }

  /**
   * `replSetStepDown`: the primary steps down and no member is primary for `seconds`; then the
   * next member of the config (the same one with one member) wins an election: a new term, a
   * greater electionId.
   */
  stepDown(seconds: number): void {
    const previous = this.primaryId;
    this.primaryId = null;
    this.changed();
    clearTimeout(this.electionTimer);
    this.electionTimer = setTimeout(() => this.elect(previous), Math.max(0, seconds * 1000));
    this.electionTimer.unref();
  }

  private elect(previous: number | null): void {
    const candidates = this.members.filter((m) => this.configIds.has(m.id));
    if (candidates.length === 0) return;
    const after = candidates.findIndex((m) => m.id === previous);
    this.primaryId = candidates[(after + 1) % candidates.length]!.id;
    this.term++;
    this.changed();
  }

  /** `replSetReconfig`: the members listed by host stay in the set; the others are removed. */
  reconfig(config: Document): void {
    const hosts = Array.isArray(config.members) ? config.members.map((m: Document) => String(m.host)) : [];
    const ids = new Set<number>();
    for (const host of hosts) {
      const member = this.members.find((m) => m.host === host);
      if (!member) throw Object.assign(new Error(`no member of the front is at ${host}`), { code: 103 });
      ids.add(member.id);
    }
    if (this.primaryId !== null && !ids.has(this.primaryId)) {
      throw Object.assign(new Error('the primary cannot be removed from the set'), { code: 103 });
    }
    if (ids.size === 0) throw Object.assign(new Error('a config needs members'), { code: 93 });
    this.configIds = ids;
    this.configVersion++;
    this.changed();
  }

  config(): Document {
    return {
      _id: this.setName,
      version: this.configVersion,
      term: this.term,
      members: this.members.filter((m) => this.configIds.has(m.id)).map((m) => ({ _id: m.id, host: m.host, priority: 1, votes: 1 })),
      protocolVersion: Long.fromNumber(1),
    };
  }

  /** The member's answer to `hello` (and, with `legacy`, to `isMaster`). */
  hello(member: Member, connectionId: number, options: { legacy: boolean; helloOk: boolean }): Document {
    const primaryKey = options.legacy ? 'ismaster' : 'isWritablePrimary';
    const common = {
      topologyVersion: { processId: member.processId, counter: Long.fromNumber(member.counter) },
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: SESSION_TIMEOUT_MINUTES,
      connectionId,
      minWireVersion: 0,
      maxWireVersion: MAX_WIRE_VERSION,
      readOnly: false,
      ...(options.helloOk ? { helloOk: true } : {}),
    };
    if (!this.configIds.has(member.id)) {
      return { [primaryKey]: false, secondary: false, info: 'Does not have a valid replica set config', isreplicaset: true, ...common, ok: 1 };
    }
    const primary = this.primary;
    const isPrimary = primary?.id === member.id;
    return {
      [primaryKey]: isPrimary,
      secondary: !isPrimary,
      hosts: this.members.filter((m) => this.configIds.has(m.id)).map((m) => m.host),
      setName: this.setName,
      setVersion: this.configVersion,
      me: member.host,
      ...(primary ? { primary: primary.host } : {}),
      ...(isPrimary ? { electionId: this.electionId } : {}),
      ...common,
      ok: 1,
    };
  }

  close(): void {
    clearTimeout(this.electionTimer);
  }
}
