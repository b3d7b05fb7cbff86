/**
 * The MongoDB wire protocol, as much of it as the front needs: message framing, OP_MSG (every
 * command since MongoDB 3.6) and OP_QUERY (the driver's first `hello` of a connection goes out
 * before it knows the server's wire version), and their replies. Read from
 * mongodb/specifications, source/message/OP_MSG.md.
 */
import { BSON, type Document } from 'mongodb';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

export const FLAG_CHECKSUM_PRESENT = 1 << 0;
export const FLAG_MORE_TO_COME = 1 << 1;
export const FLAG_EXHAUST_ALLOWED = 1 << 16;

/**
 * Values keep their BSON types (Int32 stays Int32, Long stays Long), so a command forwarded after
 * a field is stripped is the command the client sent.
 */
export const RAW: BSON.DeserializeOptions = { promoteLongs: false, promoteValues: false, promoteBuffers: false, bsonRegExp: true };

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface CommandMessage {
  header: Header;
  /** OP_MSG's flag bits; 0 for OP_QUERY. */
  flags: number;
  /** The command, with OP_MSG document sequences (kind 1 sections) folded in as arrays. */
  body: Document;
  /** For OP_QUERY: the collection name it was sent to (`admin.$cmd`). */
  legacyNamespace?: string;
}

/** Splits a byte stream into whole messages. */
export class MessageReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const messages: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readInt32LE(0);
      if (length < 16 || length > 64 * 1024 * 1024) throw new Error(`bad message length ${length}`);
      if (this.buffered.length < length) break;
      messages.push(this.buffered.subarray(0, length));
      this.buffered = this.buffered.subarray(length);
    }
    return messages;
  }
}

export function readHeader(message: Buffer): Header {
  return { length: message.readInt32LE(0), requestId: message.readInt32LE(4), responseTo: message.readInt32LE(8), opCode: message.readInt32LE(12) };
}

function cstring(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  return [buf.toString('utf8', offset, end), end + 1];
}

export function parseCommand(message: Buffer): CommandMessage {
  const header = readHeader(message);
  if (header.opCode === OP_MSG) {
    const flags = message.readUInt32LE(16);
    const end = flags & FLAG_CHECKSUM_PRESENT ? message.length - 4 : message.length;
    let offset = 20;
    let body: Document | undefined;
    const sequences: [string, Document[]][] = [];
    while (offset < end) {
      const kind = message[offset++];
      if (kind === 0) {
        const size = message.readInt32LE(offset);
        body = BSON.deserialize(message.subarray(offset, offset + size), RAW);
        offset += size;
      } else if (kind === 1) {
        const size = message.readInt32LE(offset);
        const sectionEnd = offset + size;
        const [identifier, docsStart] = cstring(message, offset + 4);
        const docs: Document[] = [];
        for (let p = docsStart; p < sectionEnd; ) {
          const docSize = message.readInt32LE(p);
          docs.push(BSON.deserialize(message.subarray(p, p + docSize), RAW));
          p += docSize;
        }
        sequences.push([identifier, docs]);
        offset = sectionEnd;
      } else {
        throw new Error(`unknown OP_MSG section kind ${kind}`);
      }
    }
    if (!body) throw new Error('OP_MSG without a body section');
    for (const [identifier, docs] of sequences) body[identifier] = docs;
    return { header, flags, body };
  }
  if (header.opCode === OP_QUERY) {
    const [namespace, afterName] = cstring(message, 20);
    const queryStart = afterName + 8; // numberToSkip, numberToReturn
    const size = message.readInt32LE(queryStart);
    let body = BSON.deserialize(message.subarray(queryStart, queryStart + size), RAW);
    if (body.$query && typeof body.$query === 'object') body = body.$query as Document;
    return { header, flags: 0, body, legacyNamespace: namespace };
  }
  throw new Error(`unsupported opCode ${header.opCode}`);
}

let nextRequestId = 1;
export function newRequestId(): number {
  nextRequestId = (nextRequestId % 0x7fffffff) + 1;
  return nextRequestId;
}

/** An OP_MSG with one body section: a command to send, or a reply (`responseTo` set). */
export function encodeMsg(body: Document, options: { requestId?: number; responseTo?: number; flags?: number } = {}): Buffer {
  const doc = BSON.serialize(body);
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + doc.length, 0);
  header.writeInt32LE(options.requestId ?? newRequestId(), 4);
  header.writeInt32LE(options.responseTo ?? 0, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(options.flags ?? 0, 16);
  header[20] = 0;
  return Buffer.concat([header, doc]);
}

/** The legacy reply to an OP_QUERY command: one document. */
export function encodeReply(body: Document, responseTo: number): Buffer {
  const doc = BSON.serialize(body);
  const header = Buffer.alloc(36);
  header.writeInt32LE(36 + doc.length, 0);
  header.writeInt32LE(newRequestId(), 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(OP_REPLY, 12);
  header.writeInt32LE(0, 16); // responseFlags
  header.writeBigInt64LE(0n, 20); // cursorID
  header.writeInt32LE(0, 28); // startingFrom
  header.writeInt32LE(1, 32); // numberReturned
  return Buffer.concat([header, doc]);
}

/** The body of an OP_MSG reply (FerretDB answers every command with one body section). */
export function replyBody(message: Buffer): Document {
  const parsed = parseCommand(message);
  return parsed.body;
}

/** A reply's bytes with `responseTo` set to the request it answers. */
export function withResponseTo(message: Buffer, responseTo: number): Buffer {
  const copy = Buffer.from(message);
  copy.writeInt32LE(responseTo, 8);
  return copy;
}

/** A number out of a BSON value kept raw (Int32, Long, Double or a plain number). */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object') {
    const v = value as { toNumber?: () => number; valueOf?: () => unknown; value?: unknown };
    if (typeof v.toNumber === 'function') return v.toNumber();
    if (typeof v.value === 'number') return v.value;
    const primitive = v.valueOf?.();
    if (typeof primitive === 'number') return primitive;
  }
  return undefined;
}

/** A boolean out of a BSON value (true, 1, 1.0). */
export function truthy(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const n = num(value);
  return n !== undefined && n !== 0;
}
