import { Aggregator } from 'mingo/aggregator';
import { evalExpr } from 'mingo/core';
import { compareValues, getPathValues, parseSort, sortDocumentsAsync } from './compare.js';
import { CommandError } from './errors.js';
import type { Doc } from './indexes.js';
import { valueKey } from './keys.js';
import { COMPUTE_OPTIONS, EMBEDDED_CONTEXT } from './mingo-context.js';
import { asBadValue, compileFilter } from './query.js';
import { linearPipeline } from './regex.js';
import type { Yielder } from './yielder.js';

/**
 * Aggregation pipelines. mingo evaluates expressions and the rarer stages; the stages a large
 * collection goes through run here, in slices that give the event loop back: `$match` and the
 * per-document stages chunk by chunk, `$sort` (MongoDB's cross-type order), `$group`, `$count`
 * (nothing on empty input, as MongoDB), `$limit`, `$skip` and the simple `$lookup`
 * (localField/foreignField, array local fields matched element by element, as MongoDB does).
 */

/** Stages mingo evaluates for us. */
const MINGO_STAGES = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$count',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$graphLookup',
  '$group',
  '$limit',
  '$lookup',
  '$match',
  '$project',
  '$redact',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$set',
  '$setWindowFields',
  '$skip',
  '$sortByCount',
  '$unionWith',
  '$unset',
  '$unwind',
  '$sort',
]);

/** Stages MongoDB has that this server refuses by name. */
const REFUSED_STAGES = new Set([
  '$out',
  '$merge',
  '$geoNear',
  '$search',
  '$searchMeta',
  '$vectorSearch',
  '$changeStream',
  '$collStats',
  '$indexStats',
  '$currentOp',
  '$listSessions',
  '$listLocalSessions',
  '$planCacheStats',
]);

/** The documents of another collection of the same database ($lookup, $unionWith, $graphLookup). */
export interface CollectionResolver {
  /** For mingo's stages, which need them at once. */
  readonly sync: (name: string) => Doc[];
  /** For the stages run here, in slices. */
  readonly slices: (name: string) => Promise<Doc[]>;
}

/** Stages that never write into the documents they receive (they filter, reorder or build new ones). */
const READ_ONLY_STAGES = new Set(['$match', '$sort', '$limit', '$skip', '$count', '$group', '$sortByCount']);

/**
 * Whether some stage may write into its input documents: mingo sets nested fields in place, so such
 * pipelines must run on copies, never on stored documents.
 */
export function pipelineMayModify(pipeline: Doc[]): boolean {
  return pipeline.some((stage) => !READ_ONLY_STAGES.has(Object.keys(stage)[0] ?? ''));
}

function stageName(stage: Doc): string {
  const keys = Object.keys(stage);
  if (keys.length !== 1) {
    throw new CommandError('Location40324', 'A pipeline stage specification object must contain exactly one field.');
  }
  return keys[0]!;
}

/** Checks every stage name before running (also inside `$facet`). */
export function validatePipeline(pipeline: unknown): Doc[] {
  if (!Array.isArray(pipeline)) throw new CommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  for (const stage of pipeline as Doc[]) {
    const name = stageName(stage);
    if (REFUSED_STAGES.has(name)) {
      throw new CommandError('NotImplemented', `The embedded MongoDB-compatible server does not support the aggregation stage ${name}`);
    }
    if (!MINGO_STAGES.has(name)) throw new CommandError('Location40324', `Unrecognized pipeline stage name: '${name}'`);
    if (name === '$facet') {
      for (const sub of Object.values(stage.$facet as Doc)) validatePipeline(sub);
    }
  }
  return pipeline as Doc[];
}

function isSimpleLookup(spec: Doc): boolean {
  return typeof spec.localField === 'string' && typeof spec.foreignField === 'string' && !spec.pipeline && !spec.let;
}

async function lookup(docs: Doc[], spec: Doc, resolve: CollectionResolver, y: Yielder): Promise<Doc[]> {
  const foreign = await resolve.slices(String(spec.from));
  const byKey = new Map<string, Doc[]>();
  for (const f of foreign) {
    const values = flatValues(f, spec.foreignField as string);
    const keys = new Set(values.length ? values.map(valueKey) : [valueKey(null)]);
    for (const k of keys) {
      let list = byKey.get(k);
      if (!list) byKey.set(k, (list = []));
      list.push(f);
    }
    if (y.due()) await y.pause();
  }
  const out: Doc[] = new Array(docs.length);
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i]!;
    const values = flatValues(doc, spec.localField as string);
    const keys = values.length ? values.map(valueKey) : [valueKey(null)];
    const seen = new Set<Doc>();
    const matches: Doc[] = [];
    for (const k of keys) {
      for (const f of byKey.get(k) ?? []) {
        if (!seen.has(f)) {
          seen.add(f);
          matches.push(f);
        }
      }
    }
    out[i] = { ...doc, [spec.as as string]: matches };
    if (y.due()) await y.pause();
  }
  return out;
}

function flatValues(doc: Doc, path: string): unknown[] {
  const out: unknown[] = [];
  for (const v of getPathValues(doc, path)) {
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

/** Stages that look at one document at a time: run by mingo chunk by chunk. */
const PER_DOCUMENT_STAGES = new Set(['$match', '$project', '$addFields', '$set', '$unset', '$replaceRoot', '$replaceWith', '$unwind', '$redact']);
/** Documents per mingo call for the per-document stages. */
const CHUNK = 1000;

/** Evaluates an aggregation expression against a document, as mingo does inside its stages. */
function evaluate(doc: Doc, expr: unknown): unknown {
  return evalExpr(doc as never, expr as never, COMPUTE_OPTIONS as never);
}

/** mingo's options for a pipeline: the embedded operator table and the collection resolver. */
function mingoOptions(resolve: CollectionResolver) {
  return { context: EMBEDDED_CONTEXT, collectionResolver: resolve.sync as never };
}

async function perDocument(docs: Doc[], stages: Doc[], resolve: CollectionResolver, y: Yielder): Promise<Doc[]> {
  // A lone $match uses the server's own matcher (equalities without mingo, MongoDB's null rules).
  if (stages.length === 1 && '$match' in stages[0]!) {
    const test = compileFilter(stages[0]!.$match as Doc);
    const out: Doc[] = [];
    for (const doc of docs) {
      if (test(doc)) out.push(doc);
      if (y.due()) await y.pause();
    }
    return out;
  }
  const aggregator = new Aggregator(stages, mingoOptions(resolve));
  const out: Doc[] = [];
  for (let i = 0; i < docs.length; i += CHUNK) {
    for (const d of aggregator.run(docs.slice(i, i + CHUNK)) as Doc[]) out.push(d);
    if (y.spent()) await y.pause();
  }
  return out;
}

/** `$count`: one document with the number of inputs, or none at all for empty input (MongoDB). */
function countStage(docs: Doc[], field: unknown): Doc[] {
  if (typeof field !== 'string' || field.length === 0 || field.startsWith('$') || field.includes('.')) {
    throw new CommandError('BadValue', 'the count field must be a non-empty string that does not start with $ or contain .');
  }
  return docs.length ? [{ [field]: docs.length }] : [];
}

/** Accumulators folded document by document; any other runs through mingo on its group's documents. */
type Fold = { init(): unknown; add(acc: unknown, value: unknown): unknown; result(acc: unknown): unknown; ignoresValue?: boolean };

const isNumber = (v: unknown) => typeof v === 'number';
const FOLDS: Record<string, Fold> = {
  $sum: { init: () => 0, add: (acc, v) => (isNumber(v) ? (acc as number) + (v as number) : acc), result: (acc) => acc },
  $count: { init: () => 0, add: (acc) => (acc as number) + 1, result: (acc) => acc, ignoresValue: true },
  $avg: {
    init: () => ({ sum: 0, n: 0 }),
    add: (acc, v) => {
      const a = acc as { sum: number; n: number };
      if (isNumber(v)) {
        a.sum += v as number;
        a.n++;
      }
      return a;
    },
    result: (acc) => {
      const a = acc as { sum: number; n: number };
      return a.n ? a.sum / a.n : null;
    },
  },
  $min: {
    init: () => undefined,
    add: (acc, v) => (v === null || v === undefined ? acc : acc === undefined || compareValues(v, acc) < 0 ? v : acc),
    result: (acc) => acc ?? null,
  },
  $max: {
    init: () => undefined,
    add: (acc, v) => (v === null || v === undefined ? acc : acc === undefined || compareValues(v, acc) > 0 ? v : acc),
    result: (acc) => acc ?? null,
  },
  $first: {
    init: () => ({ set: false, v: null }),
    add: (acc, v) => ((acc as { set: boolean }).set ? acc : { set: true, v: v ?? null }),
    result: (acc) => (acc as { v: unknown }).v,
  },
  $last: { init: () => null, add: (_acc, v) => v ?? null, result: (acc) => acc },
};

interface GroupAccumulator {
  readonly field: string;
  readonly fold: Fold | null;
  readonly expr: unknown;
  /** The accumulator as written, for mingo when `fold` is null. */
  readonly spec: unknown;
}

/**
 * `$group` in slices: each document's key and accumulator arguments are evaluated by mingo, the
 * common accumulators folded here; groups of the rest (`$push`, `$addToSet`, `$stdDevPop`, ...)
 * keep their documents and mingo finishes them. No input, no group (MongoDB).
 */
async function group(docs: Doc[], spec: Doc, resolve: CollectionResolver, y: Yielder): Promise<Doc[]> {
  if (!spec || typeof spec !== 'object' || !('_id' in spec)) throw new CommandError('Location15955', 'a group specification must include an _id');
  const accumulators: GroupAccumulator[] = [];
  for (const [field, acc] of Object.entries(spec)) {
    if (field === '_id') continue;
    if (!acc || typeof acc !== 'object' || Array.isArray(acc) || Object.keys(acc).length !== 1) {
      throw new CommandError('Location40234', `The field '${field}' must be an accumulator object`);
    }
    const [op, expr] = Object.entries(acc as Doc)[0]!;
    // $sum of a constant (e.g. {$sum: 1}) and the others fold directly.
    accumulators.push({ field, fold: FOLDS[op] ?? null, expr, spec: acc });
  }
  const needsDocs = accumulators.some((a) => !a.fold);
  const groups = new Map<string, { id: unknown; values: unknown[]; docs: Doc[] }>();
  for (const doc of docs) {
    let id = evaluate(doc, spec._id);
    if (id === undefined) id = null;
    const key = valueKey(id);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { id, values: accumulators.map((a) => a.fold?.init()), docs: [] }));
    for (let i = 0; i < accumulators.length; i++) {
      const a = accumulators[i]!;
      if (!a.fold) continue;
      const value = a.fold.ignoresValue ? undefined : typeof a.expr === 'number' ? a.expr : evaluate(doc, a.expr);
      g.values[i] = a.fold.add(g.values[i], value);
    }
    if (needsDocs) g.docs.push(doc);
    if (y.due()) await y.pause();
  }
  const out: Doc[] = [];
  for (const g of groups.values()) {
    const row: Doc = { _id: g.id };
    let rest: Doc | undefined;
    if (needsDocs) {
      const others: Doc = { _id: null };
      for (const a of accumulators) if (!a.fold) others[a.field] = a.spec;
      rest = (new Aggregator([{ $group: others }], mingoOptions(resolve)).run(g.docs) as Doc[])[0];
    }
    accumulators.forEach((a, i) => {
      row[a.field] = a.fold ? a.fold.result(g.values[i]) : rest?.[a.field];
    });
    out.push(row);
    if (y.due()) await y.pause();
  }
  return out;
}

/** Runs a validated pipeline over the input documents (which are never modified). */
export async function runPipeline(input: Doc[], stages: Doc[], resolve: CollectionResolver, y: Yielder): Promise<Doc[]> {
  // Patterns ($match filters, $regexMatch...) run on the linear-time engine (regex.ts).
  const pipeline = linearPipeline(stages);
  let docs = input;
  let pending: Doc[] = [];
  let perDoc: Doc[] = [];
  const flushPerDoc = async () => {
    if (!perDoc.length) return;
    docs = await perDocument(docs, perDoc, resolve, y);
    perDoc = [];
  };
  const flush = async () => {
    await flushPerDoc();
    if (!pending.length) return;
    docs = new Aggregator(pending, mingoOptions(resolve)).run(docs) as Doc[];
    pending = [];
  };
  try {
    for (const stage of pipeline) {
      const name = stageName(stage);
      const arg = stage[name];
      if (PER_DOCUMENT_STAGES.has(name)) {
        if (pending.length) await flush();
        perDoc.push(stage);
        continue;
      }
      if (name === '$lookup' && !isSimpleLookup(arg as Doc)) {
        pending.push(stage);
        continue;
      }
      if (!['$sort', '$lookup', '$count', '$group', '$sortByCount', '$limit', '$skip'].includes(name)) {
        await flushPerDoc();
        pending.push(stage);
        continue;
      }
      await flush();
      switch (name) {
        case '$sort': {
          const spec = parseSort(arg);
          if (!spec) throw new CommandError('Location15976', '$sort stage must have at least one sort key');
          docs = await sortDocumentsAsync(docs, spec, y);
          break;
        }
        case '$lookup':
          docs = await lookup(docs, arg as Doc, resolve, y);
          break;
        case '$count':
          docs = countStage(docs, arg);
          break;
        case '$group':
          docs = await group(docs, arg as Doc, resolve, y);
          break;
        case '$sortByCount':
          // MongoDB defines it as this $group and $sort.
          docs = await group(docs, { _id: arg, count: { $sum: 1 } }, resolve, y);
          docs = await sortDocumentsAsync(docs, [['count', -1]], y);
          break;
        case '$limit':
          docs = docs.slice(0, Math.max(0, Number(arg)));
          break;
        case '$skip':
          docs = docs.slice(Math.max(0, Number(arg)));
          break;
      }
    }
    await flush();
  } catch (err) {
    throw asBadValue(err);
  }
  return docs;
}
