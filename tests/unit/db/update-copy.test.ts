import { Long } from 'bson';
import { describe, expect, it } from 'vitest';
import { applyUpdate } from '../../../src/db/embedded/query.js';

const update = (doc: Record<string, unknown>, u: Record<string, unknown>) => applyUpdate(doc, u, { filter: {}, inserting: false });

describe('an update copies only what it writes ($set / $unset)', () => {
  it('leaves the stored version as it was and shares the sub-documents it does not write', () => {
    const stored = {
      _id: 1,
      event: { kind: 'text', text: 'xin chào' },
      sending: { index: 0, key: 'k#0' },
      replies: [{ text: 'a' }],
      n: Long.fromString('9007199254740993'),
    };
    const before = structuredClone(stored);
    const out = update(stored, { $set: { 'sending.index': 1, repliesSent: 1 }, $unset: { lastError: '' } });
    expect(stored).toEqual(before);
    expect(out).toEqual({ ...before, sending: { index: 1, key: 'k#0' }, repliesSent: 1, n: stored.n });
    expect(out.event).toBe(stored.event);
    expect(out.replies).toBe(stored.replies);
    expect(out.sending).not.toBe(stored.sending);
    expect(Object.keys(out)).toEqual(['_id', 'event', 'sending', 'replies', 'n', 'repliesSent']);
  });

  it('creates missing sub-documents for $set, ignores $unset under a missing one, and keeps a Long it is given', () => {
    const stored = { _id: 1, a: { x: 1 } };
    const out = update(stored, { $set: { 'b.c.d': Long.fromNumber(5), 'a.y': 2 }, $unset: { 'z.w': '' } });
    expect(out).toEqual({ _id: 1, a: { x: 1, y: 2 }, b: { c: { d: Long.fromNumber(5) } } });
    expect(stored).toEqual({ _id: 1, a: { x: 1 } });
  });

  it('leaves array positions to the general update, which also leaves the stored version as it was', () => {
    const stored = { _id: 1, list: [{ v: 1 }, { v: 2 }], s: 'text' };
    expect(update(stored, { $set: { 'list.1.v': 3 } })).toEqual({ _id: 1, list: [{ v: 1 }, { v: 3 }], s: 'text' });
    expect(stored.list[1]).toEqual({ v: 2 });
  });
});
