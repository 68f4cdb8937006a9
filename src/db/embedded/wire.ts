import { calculateObjectSize, deserialize, serialize, serializeWithBufferAndIndex, type Document } from 'bson';

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

/**
 * Options under which every document is decoded: Long keeps its type, a regular expression stays a
 * BSONRegExp with MongoDB's pattern and options (a JS RegExp would reject PCRE syntax and lose the
 * `x` and `s` options; src/db/embedded/regex.ts evaluates them), the rest becomes JS values.
 */
export const DESERIALIZE_OPTIONS = { promoteLongs: false, bsonRegExp: true } as const;

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

/** MongoDB's maxMessageSizeBytes: no message, in either direction, is larger. */
export const MAX_MESSAGE_SIZE = 48_000_000;
const MIN_MESSAGE_SIZE = 16;

/**
 * A message whose header announces a length MongoDB would never accept. mongod answers nothing and
 * closes the connection ("recv(): message msgLen ... is invalid. Min 16 Max 48000000"); so does
 * this server, before buffering any of it.
 */
export class InvalidMessageLengthError extends Error {
  constructor(readonly length: number) {
    super(`message length ${length} is invalid (min ${MIN_MESSAGE_SIZE}, max ${MAX_MESSAGE_SIZE})`);
    this.name = 'InvalidMessageLengthError';
  }
}

/**
 * Splits a stream of bytes into whole messages, in linear time: chunks are kept in a list and the
 * bytes of one message are copied once, when its last byte has arrived (a message inside a single
 * chunk is not copied at all). The length in each header is checked as soon as its four bytes are
 * in, so an oversized message is refused before its body is read.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  /** Bytes held in `chunks` (the first chunk starts at `offset`). */
  private buffered = 0;
  private offset = 0;
  /** Length of the message being read, once its header's first four bytes are in. */
  private expected: number | null = null;
  /** Bytes copied while assembling messages (each byte at most once). */
  copiedBytes = 0;

  constructor(private readonly maxMessageSize = MAX_MESSAGE_SIZE) {}

  /** Adds bytes; returns every complete message now available. Throws InvalidMessageLengthError. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: Buffer[] = [];
    for (;;) {
      if (this.expected === null) {
        if (this.buffered < 4) break;
        const len = this.peekInt32();
        if (len < MIN_MESSAGE_SIZE || len > this.maxMessageSize) throw new InvalidMessageLengthError(len);
        this.expected = len;
      }
      if (this.buffered < this.expected) break;
      out.push(this.take(this.expected));
      this.expected = null;
    }
    return out;
  }

  /** The little-endian int32 at the read position (its bytes may span chunks). */
  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length - this.offset >= 4) return first.readInt32LE(this.offset);
    const bytes = Buffer.allocUnsafe(4);
    let filled = 0;
    for (let i = 0, from = this.offset; filled < 4; i++, from = 0) {
      const c = this.chunks[i]!;
      filled += c.copy(bytes, filled, from, Math.min(c.length, from + 4 - filled));
    }
    return bytes.readInt32LE(0);
  }

  /** Removes `n` bytes from the front: a view when they lie in one chunk, else one copy. */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.length - this.offset >= n) {
      const view = first.subarray(this.offset, this.offset + n);
      this.offset += n;
      if (this.offset === first.length) {
        this.chunks.shift();
        this.offset = 0;
      }
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let used = 0;
    while (filled < n) {
      const c = this.chunks[used]!;
      const copied = c.copy(out, filled, this.offset, Math.min(c.length, this.offset + n - filled));
      filled += copied;
      this.offset += copied;
      if (this.offset === c.length) {
        used++;
        this.offset = 0;
      }
    }
    this.chunks.splice(0, used);
    this.copiedBytes += n;
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

/** Cursor batches at least this long are encoded straight into their message (see below). */
const DIRECT_BATCH = 64;

/** An OP_MSG reply with one kind-0 body. */
export function encodeMsgReply(requestId: number, responseTo: number, body: Document): Buffer {
  const cursor = body.cursor as { firstBatch?: unknown[]; nextBatch?: unknown[] } | undefined;
  const batch = cursor?.firstBatch ?? cursor?.nextBatch;
  // A long cursor batch is encoded straight into its message: a cursor handing out a million
  // documents otherwise makes two buffers of a megabyte per batch, a churn of memory outside the heap
  // that sets off full garbage collections (which stop every client). A small reply is not: sizing
  // it first walks it twice, a quarter of the throughput of one-document commands (`bench db`).
  if (Array.isArray(batch) && batch.length >= DIRECT_BATCH) {
    const out = encodeDirect(requestId, responseTo, body);
    if (out) return out;
  }
  const doc = serialize(body);
  const out = msgFrame(21 + doc.length, requestId, responseTo);
  out.set(doc, 21);
  return out;
}

/** An OP_MSG of `length` bytes with its header, no flags and a kind-0 section marker; the body goes at 21. */
function msgFrame(length: number, requestId: number, responseTo: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  header(length, requestId, responseTo, OP_MSG).copy(out, 0);
  out.writeUInt32LE(0, 16);
  out[20] = 0;
  return out;
}

/** The reply sized first and serialised into its one buffer; null if the sizes disagree (never expected). */
function encodeDirect(requestId: number, responseTo: number, body: Document): Buffer | null {
  const length = 21 + calculateObjectSize(body);
  const out = msgFrame(length, requestId, responseTo);
  try {
    return serializeWithBufferAndIndex(body, out, { index: 21 }) === length - 1 ? out : null;
  } catch {
    return null;
  }
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
