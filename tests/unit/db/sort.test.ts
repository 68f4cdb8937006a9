import { Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { sortDocuments, sortDocumentsAsync, type SortSpec } from '../../../src/db/embedded/compare.js';
import { Yielder } from '../../../src/db/embedded/yielder.js';

describe('sorting in slices', () => {
  it('gives the order of the one-pass sort over every BSON type, missing fields and arrays, stable on ties', async () => {
    const values = [
      null,
      undefined,
      1,
      2.5,
      Number.NaN,
      -3,
      'a',
      'b',
      '',
      true,
      false,
      new Date(5),
      new Date(1),
      new ObjectId(),
      new ObjectId(),
      Long.fromNumber(2),
      [1, 2],
      [],
      { a: 1 },
    ];
    const docs = Array.from({ length: 9000 }, (_, i) => {
      const doc: Record<string, unknown> = { i, b: values[(i * 7) % values.length] };
      const a = values[(i * 13) % values.length];
      if (a !== undefined) doc.a = a;
      return doc;
    });
    const specs: SortSpec[] = [
      [
        ['a', 1],
        ['b', -1],
      ],
      [['a', -1]],
      [
        ['b', 1],
        ['i', -1],
      ],
    ];
    for (const spec of specs) {
      const y = new Yielder(0);
      const sliced = await sortDocumentsAsync(docs, spec, y);
      expect(sliced.map((d) => d.i)).toEqual(sortDocuments(docs, spec).map((d) => d.i));
      expect(y.yields).toBeGreaterThan(0);
    }
  });
});
