import { describe, expect, it } from 'vitest';
import { compareValues } from '../../../src/db/embedded/compare.js';
import { valueKey } from '../../../src/db/embedded/keys.js';
import { Storage, type Doc } from '../../../src/db/embedded/storage.js';

/** A deterministic pseudo-random sequence. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('indexes through inserts, replacements and removals', () => {
  it('always find what a scan finds (single, compound, unique, multikey, sparse; replaced by new or by shared values), after a replay too', () => {
    const rnd = random(16);
    const storage = new Storage();
    const { coll } = storage.ensureCollection('db', 'c');
    coll.createIndex({ v: 2, key: { bot: 1 }, name: 'bot_1' });
    coll.createIndex({ v: 2, key: { bot: 1, day: 1 }, name: 'bot_1_day_1' });
    coll.createIndex({ v: 2, key: { code: 1 }, name: 'code_1', unique: true, sparse: true });
    coll.createIndex({ v: 2, key: { tags: 1 }, name: 'tags_1' });
    const bots = ['a', 'b', 'c'];
    const make = (id: number): Doc => {
      const doc: Doc = {
        _id: id,
        bot: bots[Math.floor(rnd() * 3)],
        day: Math.floor(rnd() * 5),
        tags: [`t${Math.floor(rnd() * 4)}`, `t${Math.floor(rnd() * 4)}`],
      };
      if (rnd() < 0.5) doc.code = `k${id}`;
      return doc;
    };
    for (let step = 0; step < 3000; step++) {
      const id = Math.floor(rnd() * 400);
      const current = coll.docs.get(valueKey(id));
      const roll = rnd();
      if (!current) coll.insert(make(id));
      else if (roll < 0.3) coll.replace(current, make(id));
      // An update's new version shares the unchanged values (the same strings, the same `tags`
      // array): indexes over fields it did not change keep their entries.
      else if (roll < 0.5) coll.replace(current, { ...current, n: step, ...(rnd() < 0.5 ? { day: Math.floor(rnd() * 5) } : {}) });
      else coll.remove(current);
    }
    const check = (c: NonNullable<ReturnType<Storage['getCollection']>>) => {
      const scan = (test: (d: Doc) => boolean) =>
        [...c.docs.values()]
          .filter(test)
          .map((d) => d._id)
          .sort((x, y) => compareValues(x, y));
      const viaIndex = (filter: Doc) => [...c.candidates(filter)].map((d) => d._id).sort((x, y) => compareValues(x, y));
      for (const bot of bots) {
        expect(viaIndex({ bot })).toEqual(scan((d) => d.bot === bot));
        for (let day = 0; day < 5; day++) {
          expect(viaIndex({ bot, day }).filter((id) => c.docs.get(valueKey(id))!.day === day)).toEqual(scan((d) => d.bot === bot && d.day === day));
        }
      }
      for (let t = 0; t < 4; t++) expect(viaIndex({ tags: `t${t}` })).toEqual(scan((d) => (d.tags as string[]).includes(`t${t}`)));
      for (const d of c.docs.values()) if (d.code) expect(() => c.insert({ _id: 'other', code: d.code })).toThrow(/E11000/);
    };
    check(coll);
    // The same state rebuilt the way a start builds it: documents first, indexes at the end.
    const replayed = new Storage();
    replayed.beginReplay();
    for (const r of storage.snapshot()) replayed.apply(r);
    replayed.endReplay();
    check(replayed.getCollection('db', 'c')!);
  });
});

describe('a lookup by every field of a unique compound index', () => {
  it('finds the one document that holds a key (a single holder, not a set), and none for another key', () => {
    const storage = new Storage();
    const { coll } = storage.ensureCollection('db', 'participants');
    coll.createIndex({ v: 2, key: { bot: 1, channel: 1, userId: 1 }, name: 'member', unique: true });
    for (let i = 0; i < 50; i++) coll.insert({ _id: `p${i}`, bot: 'demo', channel: i % 2 ? 'messenger' : 'zalo_oa', userId: `u${i}` });
    const ids = (filter: Doc) => [...coll.candidates(filter)].map((d) => d._id);
    expect(ids({ bot: 'demo', channel: 'messenger', userId: 'u7' })).toEqual(['p7']);
    expect(ids({ bot: 'demo', channel: 'zalo_oa', userId: 'u7' })).toEqual([]);
  });
});
