/**
 * A transaction's undo journal: before each write inside a transaction, the pre-images of the
 * documents it may touch (and the ids it inserts or upserts), recorded once per document, so that
 * an abort puts every touched document back as it was when the transaction first touched it.
 * The front runs one transaction at a time and nothing else meanwhile, so nobody else can have
 * written those documents in between.
 */
import { BSON, type Db, type Document, type MongoClient } from 'mongodb';
import { RAW, truthy } from './wire.js';

interface Entry {
  db: string;
  collection: string;
  id: unknown;
  /** The document before the transaction touched it; null: it did not exist. */
  before: Document | null;
}

/** What a write command inside a transaction touches, read before it runs. */
export class UndoJournal {
  private entries = new Map<string, Entry>();

  constructor(private readonly client: MongoClient) {}

  get size(): number {
    return this.entries.size;
  }

  private note(db: string, collection: string, id: unknown, before: Document | null): void {
    const key = `${db}.${collection}:${BSON.EJSON.stringify({ id }, { relaxed: false })}`;
    if (!this.entries.has(key)) this.entries.set(key, { db, collection, id, before });
  }

  private async matches(db: Db, collection: string, filter: Document): Promise<Document[]> {
    return db.collection(collection).find(filter, RAW).toArray();
  }

  /** Records the pre-images of what `command` (insert, update, delete, findAndModify) may touch. */
  async beforeWrite(dbName: string, name: string, command: Document): Promise<void> {
    const db = this.client.db(dbName);
    const collection = String(command[Object.keys(command)[0] ?? '']);
    switch (name) {
      case 'insert':
        return; // noted after it ran: a document refused (a duplicate _id) must not be removed by an undo
      case 'update':
        for (const statement of (command.updates ?? []) as Document[]) await this.noteMatches(db, dbName, collection, statement.q ?? {});
        return;
      case 'delete':
        for (const statement of (command.deletes ?? []) as Document[]) await this.noteMatches(db, dbName, collection, statement.q ?? {});
        return;
      case 'findAndModify':
      case 'findandmodify':
        await this.noteMatches(db, dbName, collection, (command.query ?? {}) as Document);
        return;
    }
  }

  private async noteMatches(db: Db, dbName: string, collection: string, filter: Document): Promise<void> {
    for (const doc of await this.matches(db, collection, filter)) this.note(dbName, collection, doc._id, doc);
  }

  /** Records the ids an upsert created, from the command's reply. */
  afterWrite(dbName: string, name: string, command: Document, reply: Document): void {
    const collection = String(command[Object.keys(command)[0] ?? '']);
    if (name === 'insert') {
      const refused = new Set(((reply.writeErrors ?? []) as Document[]).map((e) => Number(e.index)));
      const documents = (command.documents ?? []) as Document[];
      // Ordered inserts stop at the first refused document.
      const stop = command.ordered === false || refused.size === 0 ? documents.length : Math.min(...refused);
      documents.forEach((doc, i) => {
        if (i < stop && !refused.has(i) && doc._id !== undefined) this.note(dbName, collection, doc._id, null);
      });
    }
    if (name === 'update' && Array.isArray(reply.upserted)) {
      for (const u of reply.upserted as Document[]) this.note(dbName, collection, u._id, null);
    }
    if ((name === 'findAndModify' || name === 'findandmodify') && reply.lastErrorObject) {
      const leo = reply.lastErrorObject as Document;
      if (leo.upserted !== undefined && !truthy(leo.updatedExisting)) this.note(dbName, collection, leo.upserted, null);
    }
  }

  /** Puts every touched document back: the inserted ones removed first, then the others restored. */
  async undo(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const e of entries.filter((x) => x.before === null)) {
      await this.client.db(e.db).collection(e.collection).deleteOne({ _id: e.id as never });
    }
    for (const e of entries.filter((x) => x.before !== null)) {
      await this.client.db(e.db).collection(e.collection).replaceOne({ _id: e.id as never }, e.before!, { upsert: true });
    }
  }

  forget(): void {
    this.entries.clear();
  }
}
