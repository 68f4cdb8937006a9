import { BSONRegExp } from 'bson';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../../src/db/embedded/aggregate.js';
import { NEVER } from '../../../src/db/embedded/yielder.js';

const noCollections = { sync: () => [], slices: async () => [] };
import { compareValues } from '../../../src/db/embedded/compare.js';
import { applyUpdate, compileFilter } from '../../../src/db/embedded/query.js';
import { compileRegex, stripExtended } from '../../../src/db/embedded/regex.js';

const docs = [
  { _id: 1, name: 'Nguyễn Văn An', tags: ['đoàn viên', 'cđcs'], note: 'a\nb' },
  { _id: 2, name: 'Trần Thị Bình', tags: ['ban tổ chức'], note: 'ab' },
  { _id: 3, name: 'an', tags: [], note: null },
];
const ids = (filter: Record<string, unknown>) => docs.filter(compileFilter(filter)).map((d) => d._id);

describe('regular expressions in filters (linear-time engine)', () => {
  it('matches BSON regexes, $regex strings with $options, and regexes inside $in, $nin, $all, $not and $elemMatch', () => {
    expect(ids({ name: new BSONRegExp('^nguyễn', 'i') })).toEqual([1]);
    expect(ids({ name: { $regex: 'văn', $options: 'i' } })).toEqual([1]);
    expect(ids({ name: { $regex: new BSONRegExp('THỊ', 'i') } })).toEqual([2]);
    expect(ids({ name: { $in: ['an', new BSONRegExp('^Trần')] } })).toEqual([2, 3]);
    expect(ids({ name: { $nin: ['an', new BSONRegExp('^Trần')] } })).toEqual([1]);
    expect(ids({ tags: { $all: [new BSONRegExp('^đoàn'), 'cđcs'] } })).toEqual([1]);
    expect(ids({ name: { $not: new BSONRegExp('an', 'i') } })).toEqual([2]);
    expect(ids({ tags: { $elemMatch: { $regex: 'tổ' } } })).toEqual([2]);
    expect(ids({ $or: [{ name: /^an$/ }, { tags: /chức$/ }] })).toEqual([2, 3]);
  });

  it('supports MongoDB options m, s and x', () => {
    expect(ids({ note: { $regex: '^b', $options: 'm' } })).toEqual([1]);
    expect(ids({ note: { $regex: 'a.b', $options: 's' } })).toEqual([1]);
    expect(ids({ note: { $regex: 'a.b' } })).toEqual([]);
    expect(ids({ note: { $regex: ' a  b # the letters', $options: 'x' } })).toEqual([2]);
    expect(stripExtended('a\\ b [ #] # comment\nc')).toBe('a\\ b[ #]c');
  });

  it('answers a catastrophic pattern on a long subject at once instead of backtracking for ages', () => {
    // With RegExp this would take longer than the age of the universe (2^5000 paths).
    const subject = `${'a'.repeat(5000)}!`;
    expect(compileRegex('^(a+)+$').test(subject)).toBe(false);
    expect(compileRegex('^(a|a)*$').test(subject)).toBe(false);
    expect([{ s: subject }].filter(compileFilter({ s: { $regex: '^(a+)+$' } }))).toEqual([]);
  });

  it("refuses what it cannot run in linear time, unknown options and oversized patterns, with MongoDB's codes", () => {
    expect(() => compileFilter({ name: { $regex: '(?=a)b' } })).toThrow(/Regular expression is invalid.*lookaround/);
    expect(() => compileFilter({ name: { $regex: '(a)\\1' } })).toThrow(/Regular expression is invalid/);
    expect(() => compileFilter({ name: { $regex: 'a', $options: 'g' } })).toThrow('invalid flag in regex options: g');
    expect(() => compileFilter({ name: { $regex: 'a'.repeat(40_000) } })).toThrow('Regular expression is too long');
    expect(() => compileFilter({ name: { $options: 'i' } })).toThrow('$options needs a $regex');
  });

  it('evaluates $regexMatch, $regexFind and $regexFindAll, also with a pattern taken from the document', async () => {
    const out = await runPipeline(
      [{ s: 'xaay aaa', p: '^(a+)+$' }],
      [
        {
          $project: {
            _id: 0,
            m: { $regexMatch: { input: '$s', regex: 'A+', options: 'i' } },
            f: { $regexFind: { input: '$s', regex: new BSONRegExp('(a+)(y)?') } },
            all: { $regexFindAll: { input: '$s', regex: 'a+' } },
            evil: { $regexMatch: { input: { $concat: ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '!'] }, regex: '$p' } },
          },
        },
      ],
      noCollections,
      NEVER,
    );
    expect(out).toEqual([
      {
        m: true,
        f: { match: 'aay', idx: 1, captures: ['aa', 'y'] },
        all: [
          { match: 'aa', idx: 1, captures: [] },
          { match: 'aaa', idx: 5, captures: [] },
        ],
        evil: false,
      },
    ]);
  });

  it('uses the linear engine in $match stages and in $pull conditions', async () => {
    const matched = await runPipeline(docs, [{ $match: { name: { $regex: '^(a+)+$' } } }], noCollections, NEVER);
    expect(matched).toEqual([]);
    const pulled = applyUpdate(
      { _id: 1, tags: ['đoàn viên', 'cđcs', 'khác'] },
      { $pull: { tags: new BSONRegExp('^(đ|c)') } },
      { filter: {}, inserting: false },
    );
    expect(pulled.tags).toEqual(['khác']);
    const pulledDocs = applyUpdate(
      { _id: 1, items: [{ k: 'abc' }, { k: 'xyz' }] },
      { $pull: { items: { k: { $regex: '^a' } } } },
      { filter: {}, inserting: false },
    );
    expect(pulledDocs.items).toEqual([{ k: 'xyz' }]);
  });
});

describe('regular expressions as stored values', () => {
  it('orders and tells apart BSON regexes by pattern, then options', () => {
    expect(compareValues(new BSONRegExp('a', 'i'), new BSONRegExp('b', 'i'))).toBe(-1);
    expect(compareValues(new BSONRegExp('a', 'i'), new BSONRegExp('a', ''))).toBe(1);
    expect(compareValues(new BSONRegExp('a', 'i'), new BSONRegExp('a', 'i'))).toBe(0);
  });
});
