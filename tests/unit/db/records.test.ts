import { describe, expect, it } from 'vitest';
import { bufferSource, decodeRecords, encodePut, encodeRecord, scanRecords, type FileRecord } from '../../../src/db/embedded/records.js';
import { Binary, serialize } from 'bson';

const put = (id: number, text = `answer ${id}`) => encodeRecord({ o: 'put', d: 'app', c: 'answers', doc: { _id: id, text } });

function ids(buf: Buffer): number[] {
  return decodeRecords(buf).records.map((r) => (r.o === 'put' ? (r.doc._id as number) : -1));
}

describe('data file records', () => {
  it('frames a put around a document already encoded exactly as encoding the record does', () => {
    const doc = { _id: 7, text: 'câu trả lời', n: 3 };
    expect(encodePut('app', 'answers', serialize(doc)).equals(encodeRecord({ o: 'put', d: 'app', c: 'answers', doc }))).toBe(true);
  });

  it('keeps the framed put exact for every collection when the head bytes are reused', () => {
    const doc = { _id: 8, text: 'đúng' };
    for (const [d, c] of [
      ['app', 'answers'],
      ['app', 'members'],
      ['đơn-vị', 'câu-hỏi'],
      ['app', 'answers'],
    ] as const) {
      expect(encodePut(d, c, serialize(doc)).equals(encodeRecord({ o: 'put', d, c, doc }))).toBe(true);
    }
  });

  it('reads the generation header, then every record in order', () => {
    const buf = Buffer.concat([encodeRecord({ o: 'gen', gen: 4 }), put(1), put(2), put(3)]);
    const { records, generation, report } = decodeRecords(buf);
    expect(generation).toBe(4);
    expect(records.map((r) => r.o)).toEqual(['put', 'put', 'put']);
    expect(report).toMatchObject({ records: 3, damage: [], tail: null, validEnd: buf.length });
  });

  it('treats a record cut short at the end as a torn tail, and keeps everything before it', () => {
    const whole = Buffer.concat([put(1), put(2)]);
    const buf = Buffer.concat([whole, put(3).subarray(0, 20)]);
    const { report } = decodeRecords(buf);
    expect(ids(buf)).toEqual([1, 2]);
    expect(report.tail).toMatchObject({ offset: whole.length, length: 20, complete: false });
    expect(report.damage).toEqual([]);
    expect(report.validEnd).toBe(whole.length);
  });

  it('resynchronises after a flipped byte in the middle: only the damaged record is lost, and it is described', () => {
    const records = Array.from({ length: 100 }, (_, i) => put(i));
    const buf = Buffer.concat(records);
    const at = records.slice(0, 50).reduce((n, r) => n + r.length, 0);
    for (const inside of [0, 2, 5, 12, 30, records[50]!.length - 2]) {
      const damaged = Buffer.from(buf);
      damaged[at + inside] = damaged[at + inside]! ^ 0x5a;
      const { report } = decodeRecords(damaged);
      expect(ids(damaged)).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i !== 50));
      expect(report.damage).toHaveLength(1);
      expect(report.damage[0]).toMatchObject({ offset: at, length: records[50]!.length });
      expect(report.tail).toBeNull();
    }
    const flipped = Buffer.from(buf);
    flipped[at + 40] = flipped[at + 40]! ^ 0x01; // inside the text: the record still decodes without its checksum
    expect(decodeRecords(flipped).report.damage[0]!.description).toMatch(/put app\.answers _id 50|answer 50/);
  });

  it('finds the next record after a long damaged stretch, and calls a bad last record complete', () => {
    const before = Buffer.concat([put(1), put(2)]);
    const garbage = Buffer.alloc(5000, 0xab);
    const after = Buffer.concat([put(3), put(4)]);
    const { report } = decodeRecords(Buffer.concat([before, garbage, after]));
    expect(ids(Buffer.concat([before, garbage, after]))).toEqual([1, 2, 3, 4]);
    expect(report.damage).toEqual([{ offset: before.length, length: 5000 }]);
    const last = put(5);
    last[last.length - 3] = last[last.length - 3]! ^ 0xff;
    const ending = decodeRecords(Buffer.concat([before, last])).report;
    expect(ending.tail).toMatchObject({ offset: before.length, complete: true });
  });

  it('reads records larger than its read window, across windows', () => {
    const big = encodeRecord({ o: 'put', d: 'app', c: 'files', doc: { _id: 'big', data: 'x'.repeat(12 * 1024 * 1024) } });
    const buf = Buffer.concat([put(1), big, put(2)]);
    const seen: FileRecord[] = [];
    const report = scanRecords(bufferSource(buf), (r) => seen.push(r));
    expect(seen.map((r) => (r.o === 'put' ? r.doc._id : r.o))).toEqual([1, 'big', 2]);
    expect(report.damage).toEqual([]);
  });
});

describe('a data file past 2 GiB', () => {
  it('is read whole through its window, never as one Buffer', () => {
    // A virtual file: a header, then the same 16 MiB record over and over past 2^31 bytes, then a last small one.
    const header = encodeRecord({ o: 'gen', gen: 9 });
    const big = encodeRecord({ o: 'put', d: 'app', c: 'blobs', doc: { _id: 'same', data: new Binary(Buffer.alloc(16 * 1024 * 1024 - 100, 1)) } });
    const last = put(42);
    const copies = Math.ceil(2 ** 31 / big.length) + 1;
    const size = header.length + copies * big.length + last.length;
    expect(size).toBeGreaterThan(2 ** 31);
    const source = {
      size,
      read(buf: Buffer, offset: number, length: number, position: number): number {
        let done = 0;
        while (done < length && position + done < size) {
          const p = position + done;
          let piece: Buffer;
          let at: number;
          if (p < header.length) [piece, at] = [header, p];
          else if (p < header.length + copies * big.length) [piece, at] = [big, (p - header.length) % big.length];
          else [piece, at] = [last, p - header.length - copies * big.length];
          done += piece.copy(buf, offset + done, at, Math.min(piece.length, at + length - done));
        }
        return done;
      },
    };
    const kinds: string[] = [];
    const report = scanRecords(source, (r) => kinds.push(r.o === 'put' ? String(r.doc._id) : r.o));
    expect(report).toMatchObject({ generation: 9, records: copies + 1, damage: [], tail: null, validEnd: size });
    expect(kinds.at(-1)).toBe('42');
  });
});
