import { deserialize, serialize, type Document } from 'bson';

/**
 * MongoDB wire protocol framing: the legacy OP_QUERY/OP_REPLY pair the driver uses for its first
 * hello, and OP_MSG for everything else.
 * https://github.com/mongodb/specs/blob/master/source/message/OP_MSG.md
 */
/** Opcodes (the legacy OP_QUERY/OP_REPLY pair answers only the first handshake). */
export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
/** OP_MSG flag: the sender expects no reply (unacknowledged writes). */
export const FLAG_MORE_TO_COME = 1 << 1;

/** Options under which every document is decoded: Long keeps its type, the rest becomes JS values. */
export const DESERIALIZE_OPTIONS = { promoteLongs: false } as const;

export interface MessageHeader {
  readonly length: number;
  readonly requestId: number;
  readonly responseTo: number;
  readonly opCode: number;
}

export type Incoming =
  | { readonly kind: 'query'; readonly header: MessageHeader; readonly collection: string; readonly query: Document }
  | { readonly kind: 'msg'; readonly header: MessageHeader; readonly flags: number; readonly command: Document }
  | { readonly kind: 'unsupported'; readonly header: MessageHeader };

/** Splits a stream of bytes into whole messages. */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds bytes; returns every complete message now available. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    let buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    let offset = 0;
    while (buf.length - offset >= 4) {
      const len = buf.readInt32LE(offset);
      if (len < 16) throw new Error(`invalid message length ${len}`);
      if (buf.length - offset < len) break;
      out.push(buf.subarray(offset, offset + len));
      offset += len;
    }
    buf = buf.subarray(offset);
    this.chunks = buf.length ? [buf] : [];
    this.buffered = buf.length;
    return out;
  }
}

function readCString(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  return [buf.toString('utf8', offset, end), end + 1];
}

/** Decodes one message; OP_MSG document sequences are folded into the body under their identifier. */
export function decodeMessage(buf: Buffer): Incoming {
  const header: MessageHeader = {
    length: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
  if (header.opCode === OP_MSG) {
    const flags = buf.readUInt32LE(16);
    const end = flags & FLAG_CHECKSUM_PRESENT ? buf.length - 4 : buf.length;
    let offset = 20;
    let command: Document | undefined;
    const sequences: Array<[string, Document[]]> = [];
    while (offset < end) {
      const kind = buf[offset]!;
      offset += 1;
      if (kind === 0) {
        const size = buf.readInt32LE(offset);
        command = deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
        offset += size;
      } else if (kind === 1) {
        const size = buf.readInt32LE(offset);
        const sectionEnd = offset + size;
        const [identifier, docsStart] = readCString(buf, offset + 4);
        const docs: Document[] = [];
        let p = docsStart;
        while (p < sectionEnd) {
          const docSize = buf.readInt32LE(p);
          docs.push(deserialize(buf.subarray(p, p + docSize), DESERIALIZE_OPTIONS));
          p += docSize;
        }
        sequences.push([identifier, docs]);
        offset = sectionEnd;
      } else {
        throw new Error(`unknown OP_MSG section kind ${kind}`);
      }
    }
    if (!command) throw new Error('OP_MSG without a body section');
    for (const [id, docs] of sequences) command[id] = docs;
    return { kind: 'msg', header, flags, command };
  }
  if (header.opCode === OP_QUERY) {
    const [collection, afterName] = readCString(buf, 20);
    const docStart = afterName + 8; // numberToSkip, numberToReturn
    const size = buf.readInt32LE(docStart);
    const query = deserialize(buf.subarray(docStart, docStart + size), DESERIALIZE_OPTIONS);
    return { kind: 'query', header, collection, query };
  }
  return { kind: 'unsupported', header };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** An OP_MSG reply with one kind-0 body. */
export function encodeMsgReply(requestId: number, responseTo: number, body: Document): Buffer {
  const doc = serialize(body);
  const length = 16 + 4 + 1 + doc.length;
  const out = Buffer.allocUnsafe(length);
  header(length, requestId, responseTo, OP_MSG).copy(out, 0);
  out.writeUInt32LE(0, 16);
  out[20] = 0;
  out.set(doc, 21);
  return out;
}

/** An OP_REPLY with one document (the answer to a legacy OP_QUERY command). */
export function encodeOpReply(requestId: number, responseTo: number, body: Document): Buffer {
  const doc = serialize(body);
  const length = 16 + 20 + doc.length;
  const out = Buffer.allocUnsafe(length);
  header(length, requestId, responseTo, OP_REPLY).copy(out, 0);
  out.writeInt32LE(0, 16); // responseFlags
  out.writeBigInt64LE(0n, 20); // cursorID
  out.writeInt32LE(0, 28); // startingFrom
  out.writeInt32LE(1, 32); // numberReturned
  out.set(doc, 36);
  return out;
}
