import { Aggregator } from 'mingo';
import { getPathValues, parseSort, sortDocuments } from './compare.js';
import { CommandError } from './errors.js';
import type { Doc } from './indexes.js';
import { valueKey } from './keys.js';
import { asBadValue } from './query.js';
import { linearPipeline, linearRegexContext } from './regex.js';

/**
 * Aggregation pipelines. mingo runs the stages; `$sort` uses MongoDB's cross-type order and the
 * simple `$lookup` (localField/foreignField) matches array local fields element by element, as
 * MongoDB does, so those two run here.
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

export type CollectionResolver = (name: string) => Doc[];

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

function lookup(docs: Doc[], spec: Doc, resolve: CollectionResolver): Doc[] {
  const foreign = resolve(String(spec.from));
  const byKey = new Map<string, Doc[]>();
  for (const f of foreign) {
    const values = flatValues(f, spec.foreignField as string);
    const keys = new Set(values.length ? values.map(valueKey) : [valueKey(null)]);
    for (const k of keys) {
      let list = byKey.get(k);
      if (!list) byKey.set(k, (list = []));
      list.push(f);
    }
  }
  return docs.map((doc) => {
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
    return { ...doc, [spec.as as string]: matches };
  });
}

function flatValues(doc: Doc, path: string): unknown[] {
  const out: unknown[] = [];
  for (const v of getPathValues(doc, path)) {
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

/** Runs a validated pipeline over the input documents (which are never modified). */
export function runPipeline(input: Doc[], stages: Doc[], resolve: CollectionResolver): Doc[] {
  const pipeline = linearPipeline(stages);
  let docs = input;
  let pending: Doc[] = [];
  const flush = () => {
    if (!pending.length) return;
    try {
      docs = new Aggregator(pending, { collectionResolver: resolve as never, context: linearRegexContext() }).run(docs) as Doc[];
    } catch (err) {
      throw asBadValue(err);
    }
    pending = [];
  };
  for (const stage of pipeline) {
    const name = stageName(stage);
    if (name === '$sort') {
      flush();
      const spec = parseSort(stage.$sort);
      if (!spec) throw new CommandError('Location40324', '$sort key specification must be an object');
      docs = sortDocuments(docs, spec);
    } else if (name === '$lookup' && isSimpleLookup(stage.$lookup as Doc)) {
      flush();
      docs = lookup(docs, stage.$lookup as Doc, resolve);
    } else {
      pending.push(stage);
    }
  }
  flush();
  return docs;
}
