import { RE2JS } from 're2js';
import { Context, evalExpr } from 'mingo/core';
import { $all as mingoAll, $in as mingoIn } from 'mingo/operators/query';
import { resolve } from 'mingo/util';
import { CommandError } from './errors.js';
import type { Doc } from './indexes.js';

/**
 * Regular expressions in queries and aggregation expressions, evaluated in linear time.
 *
 * JavaScript's RegExp backtracks: `^(a+)+$` against 30 a's and a `!` takes seconds, and the server
 * runs every command on the one event loop the whole product shares. Every pattern a client sends
 * (`{f: /re/}`, `$regex`, `$in`/`$nin`/`$all` lists, `$not`, `$elemMatch`, `$pull`, `arrayFilters`,
 * `$regexMatch`/`$regexFind`/`$regexFindAll`) is therefore compiled with re2js, a port of RE2 whose
 * matching time is linear in the subject, and never with RegExp.
 *
 * What differs from MongoDB's PCRE: lookaround and backreferences are refused (RE2 cannot run
 * them in linear time), and `$` without the `m` option matches only at the very end (PCRE also
 * matches before a final newline). MongoDB's options i, m, s, x and u are supported; `x` is applied
 * here by removing unescaped whitespace and `#` comments outside character classes.
 */

/** MongoDB refuses longer patterns ("Regular expression is too long"). */
export const MAX_PATTERN_LENGTH = 32_764;
const VALID_OPTIONS = new Set(['i', 'm', 's', 'x', 'u']);
/** Compiled patterns kept for reuse (a server sees the same few patterns again and again). */
const CACHE_SIZE = 500;
const cache = new Map<string, LinearRegex>();

/** A compiled pattern with MongoDB's pattern and options. Only `test` and `matches` run it. */
export class LinearRegex {
  constructor(
    readonly pattern: string,
    readonly options: string,
    private readonly compiled: RE2JS,
  ) {}

  /** Whether the pattern matches anywhere in `input`. */
  test(input: string): boolean {
    return this.compiled.test(input);
  }

  /** The matches in `input` (all of them, or the first), as `$regexFind` reports them. */
  matches(input: string, all: boolean): Array<{ match: string; idx: number; captures: Array<string | null> }> {
    const out: Array<{ match: string; idx: number; captures: Array<string | null> }> = [];
    const m = this.compiled.matcher(input);
    while (m.find()) {
      const captures: Array<string | null> = [];
      for (let g = 1; g <= m.groupCount(); g++) captures.push(m.group(g) ?? null);
      out.push({ match: m.group(0) ?? '', idx: m.start(), captures });
      if (!all) break;
    }
    return out;
  }
}

interface BsonRegex {
  _bsontype: 'BSONRegExp';
  pattern: string;
  options: string;
}

function isBsonRegex(v: unknown): v is BsonRegex {
  return !!v && typeof v === 'object' && (v as { _bsontype?: unknown })._bsontype === 'BSONRegExp';
}

/** A regular expression value, as a client can send it (BSON regex) or as code may build it (RegExp). */
export function isRegexValue(v: unknown): v is BsonRegex | RegExp {
  return v instanceof RegExp || isBsonRegex(v);
}

/** PCRE's extended mode (`x`): unescaped whitespace and `#…` comments outside classes are ignored. */
export function stripExtended(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

/** Compiles a MongoDB pattern and options with the linear-time engine; MongoDB's errors otherwise. */
export function compileRegex(pattern: string, options = ''): LinearRegex {
  const key = `${options}/${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (Buffer.byteLength(pattern, 'utf8') > MAX_PATTERN_LENGTH) throw new CommandError('Location51091', 'Regular expression is too long');
  let flags = 0;
  for (const o of options) {
    if (!VALID_OPTIONS.has(o)) throw new CommandError('Location51108', `invalid flag in regex options: ${o}`);
    if (o === 'i') flags |= RE2JS.CASE_INSENSITIVE;
    if (o === 'm') flags |= RE2JS.MULTILINE;
    if (o === 's') flags |= RE2JS.DOTALL;
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(options.includes('x') ? stripExtended(pattern) : pattern, flags);
  } catch (err) {
    throw new CommandError(
      'Location51091',
      `Regular expression is invalid: ${(err as Error).message} (the embedded server matches in linear time with RE2 syntax: no lookaround, no backreferences; a real MongoDB accepts them)`,
    );
  }
  const re = new LinearRegex(pattern, options, compiled);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, re);
  return re;
}

/** JS RegExp flags as MongoDB options (only those with a meaning there). */
function optionsOfRegExp(re: RegExp): string {
  return [...re.flags].filter((f) => f === 'i' || f === 'm' || f === 's').join('');
}

/** A regex value or a `$regex`/`$options` pair, compiled. */
function toLinear(regex: unknown, options?: unknown): LinearRegex {
  if (options !== undefined && typeof options !== 'string') throw new CommandError('BadValue', '$options has to be a string');
  if (typeof regex === 'string') return compileRegex(regex, options ?? '');
  const own = isBsonRegex(regex) ? regex.options : regex instanceof RegExp ? optionsOfRegExp(regex) : null;
  if (own === null) throw new CommandError('BadValue', '$regex has to be a string');
  if (own && options) throw new CommandError('BadValue', 'options set in both $regex and $options');
  const pattern = isBsonRegex(regex) ? regex.pattern : (regex as RegExp).source;
  return compileRegex(pattern, own || options || '');
}

// ---------------------------------------------------------------------------------------------
// Rewriting: every pattern becomes a LinearRegex under an operator name of our own, so mingo never
// builds a RegExp from it. mingo copies plain objects, but keeps class instances as they are.

const isPlainObject = (v: unknown): v is Doc => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const REGEX_EXPRESSIONS: Record<string, string> = {
  $regexMatch: '$linearRegexMatch',
  $regexFind: '$linearRegexFind',
  $regexFindAll: '$linearRegexFindAll',
};

/** Whether anything in a filter, pipeline or update could be a pattern (skips the rewrite otherwise). */
export function mentionsRegex(v: unknown): boolean {
  if (isRegexValue(v)) return true;
  if (Array.isArray(v)) return v.some(mentionsRegex);
  if (isPlainObject(v)) {
    for (const k in v) if (k === '$regex' || k === '$options' || k in REGEX_EXPRESSIONS || mentionsRegex(v[k])) return true;
  }
  return false;
}

const LIST_OPERATORS: Record<string, string> = { $in: '$linearIn', $nin: '$linearNin', $all: '$linearAll' };

function isElemMatch(v: unknown): v is { $elemMatch: Doc } {
  return isPlainObject(v) && Object.keys(v).length === 1 && isPlainObject(v.$elemMatch);
}

/** One field's condition: `/re/`, `{$regex, $options, …}`, or operators holding patterns. */
function rewriteCondition(cond: unknown): unknown {
  if (isRegexValue(cond)) return { $linearRegex: toLinear(cond) };
  if (!isPlainObject(cond)) return cond;
  const keys = Object.keys(cond);
  if (!keys.some((k) => k.startsWith('$'))) return cond; // an embedded document compared whole
  if ('$options' in cond && !('$regex' in cond)) throw new CommandError('BadValue', '$options needs a $regex');
  const out: Doc = {};
  for (const k of keys) {
    const v = cond[k];
    if (k === '$regex') out.$linearRegex = toLinear(v, cond.$options);
    else if (k === '$options') continue;
    else if (k in LIST_OPERATORS && Array.isArray(v)) {
      const list = v.map((x) => (isRegexValue(x) ? toLinear(x) : isElemMatch(x) ? { $elemMatch: rewriteElemMatch(x.$elemMatch) } : x));
      out[list.some((x) => x instanceof LinearRegex) ? LIST_OPERATORS[k]! : k] = list;
    } else if (k === '$not') out.$not = rewriteCondition(v);
    else if (k === '$elemMatch' && isPlainObject(v)) out.$elemMatch = rewriteElemMatch(v);
    else out[k] = v;
  }
  return out;
}

/** `$elemMatch` holds either operators on the element itself or a filter on its fields. */
function rewriteElemMatch(criteria: Doc): Doc {
  const keys = Object.keys(criteria);
  const onElement = keys.length > 0 && keys.every((k) => k.startsWith('$') && k !== '$and' && k !== '$or' && k !== '$nor');
  return onElement ? (rewriteCondition(criteria) as Doc) : rewriteFilterDeep(criteria);
}

function rewriteFilterDeep(filter: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(filter)) {
    if ((k === '$and' || k === '$or' || k === '$nor') && Array.isArray(v)) out[k] = v.map((sub) => (isPlainObject(sub) ? rewriteFilterDeep(sub) : sub));
    else if (k === '$expr') out[k] = rewriteExpression(v);
    else if (k.startsWith('$')) out[k] = v;
    else out[k] = rewriteCondition(v);
  }
  return out;
}

/** Renames the regex expression operators to the linear ones, everywhere but inside `$literal`. */
export function rewriteExpression(expr: unknown): unknown {
  if (Array.isArray(expr)) return expr.map(rewriteExpression);
  if (!isPlainObject(expr)) return expr;
  const out: Doc = {};
  for (const [k, v] of Object.entries(expr)) out[REGEX_EXPRESSIONS[k] ?? k] = k === '$literal' ? v : rewriteExpression(v);
  return out;
}

/** A query filter with every pattern compiled for the linear engine (the same object when it has none). */
export function linearFilter<T extends Doc | undefined | null>(filter: T): T {
  if (!filter || !mentionsRegex(filter)) return filter;
  return rewriteFilterDeep(filter) as T;
}

/** An aggregation pipeline with patterns in `$match` filters and regex expressions made linear. */
export function linearPipeline(pipeline: Doc[]): Doc[] {
  if (!mentionsRegex(pipeline)) return pipeline;
  return pipeline.map((stage) => {
    const [name, spec] = Object.entries(stage)[0] ?? [];
    if (!name) return stage;
    switch (name) {
      case '$match':
        return { $match: isPlainObject(spec) ? linearFilter(spec) : spec };
      case '$facet':
        return { $facet: Object.fromEntries(Object.entries(spec as Doc).map(([k, p]) => [k, Array.isArray(p) ? linearPipeline(p as Doc[]) : p])) };
      case '$lookup':
      case '$unionWith': {
        const s = spec as Doc;
        if (!isPlainObject(s) || !Array.isArray(s.pipeline)) return stage;
        return { [name]: { ...s, pipeline: linearPipeline(s.pipeline as Doc[]) } };
      }
      case '$graphLookup': {
        const s = spec as Doc;
        return isPlainObject(s.restrictSearchWithMatch) ? { $graphLookup: { ...s, restrictSearchWithMatch: linearFilter(s.restrictSearchWithMatch) } } : stage;
      }
      default:
        return { [name]: rewriteExpression(spec) };
    }
  });
}

/** An update's `$pull` conditions (a pattern, or a filter on the array's elements) made linear. */
export function linearModifier(modifier: Doc): Doc {
  const pull = modifier.$pull;
  if (!isPlainObject(pull) || !mentionsRegex(pull)) return modifier;
  const rewritten: Doc = {};
  for (const [path, spec] of Object.entries(pull)) {
    rewritten[path] = isPlainObject(spec) && !Object.keys(spec).some((k) => k.startsWith('$')) ? rewriteFilterDeep(spec) : rewriteCondition(spec);
  }
  return { ...modifier, $pull: rewritten };
}

// ---------------------------------------------------------------------------------------------
// The operators mingo runs for the rewritten forms.

type Options = Parameters<typeof mingoIn>[2];
type Predicate = (doc: unknown) => boolean;

/** mingo's `$regex` semantics: a string value, or any string element of an array value. */
function valueMatches(value: unknown, re: LinearRegex): boolean {
  const values = Array.isArray(value) ? value : [value];
  const test = (x: unknown) => typeof x === 'string' && re.test(x);
  return values.some(test) || values.some((x) => Array.isArray(x) && x.some(test));
}

const at = (doc: unknown, selector: string) => resolve(doc as never, selector, { unwrapArray: true });

function $linearRegex(selector: string, re: LinearRegex): Predicate {
  return (doc) => valueMatches(at(doc, selector), re);
}

function split(values: unknown[]): { patterns: LinearRegex[]; others: unknown[] } {
  const patterns: LinearRegex[] = [];
  const others: unknown[] = [];
  for (const v of values) (v instanceof LinearRegex ? patterns : others).push(v);
  return { patterns, others };
}

function $linearIn(selector: string, values: unknown[], options: Options): Predicate {
  const { patterns, others } = split(values);
  const plain = mingoIn(selector, others, options) as Predicate;
  return (doc) => plain(doc) || patterns.some((re) => valueMatches(at(doc, selector), re));
}

function $linearNin(selector: string, values: unknown[], options: Options): Predicate {
  const inList = $linearIn(selector, values, options);
  return (doc) => !inList(doc);
}

function $linearAll(selector: string, values: unknown[], options: Options): Predicate {
  const { patterns, others } = split(values);
  const plain = others.length ? (mingoAll(selector, others, options) as Predicate) : () => true;
  return (doc) => plain(doc) && patterns.every((re) => valueMatches(at(doc, selector), re));
}

type ExpressionOptions = Parameters<typeof evalExpr>[2];

function search(obj: unknown, expr: unknown, options: ExpressionOptions, all: boolean) {
  const args = evalExpr(obj as never, expr, options) as { input?: unknown; regex?: unknown; options?: unknown };
  if (typeof args.input !== 'string' || args.regex === null || args.regex === undefined) return [];
  return toLinear(args.regex, args.options ?? undefined).matches(args.input, all);
}

export const LINEAR_QUERY_OPERATORS = { $linearRegex, $linearIn, $linearNin, $linearAll };
export const LINEAR_EXPRESSION_OPERATORS = {
  $linearRegexMatch: (obj: unknown, expr: unknown, options: ExpressionOptions) => search(obj, expr, options, false).length > 0,
  $linearRegexFind: (obj: unknown, expr: unknown, options: ExpressionOptions) => search(obj, expr, options, false)[0] ?? null,
  $linearRegexFindAll: (obj: unknown, expr: unknown, options: ExpressionOptions) => search(obj, expr, options, true),
};

/** Operators to add to mingo's (new names only, so mingo's own stay as they are). */
export function linearRegexContext(extraQueryOperators: Record<string, unknown> = {}): Context {
  return Context.init({
    query: { ...LINEAR_QUERY_OPERATORS, ...extraQueryOperators } as never,
    expression: LINEAR_EXPRESSION_OPERATORS as never,
  });
}
