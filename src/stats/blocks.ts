import type { RollupKind } from '../db/index.js';
import { addDays, dayNumber, weekStart } from '../domain/index.js';
import { addDeltas, COUNTERS, NEW_GAP, parseRollupId, zeroCounts, type Gaps, type RollupDelta, type RollupDoc } from './reduce.js';

/**
 * Pre-summed blocks of days, so a long range reads a few documents per unit instead of one per day
 * (docs/statistics.md, "Weeks and months"). Pure arithmetic, shared by the sealing job, `stats
 * rebuild` and the queries:
 * - a **month** block covers a calendar month; a **week** block covers the days of one Monday–Sunday
 *   week inside one month (a week across two months is two week blocks), so every month starts a
 *   week block and a range is covered by days, then weeks, then months, then weeks, then days;
 * - a block document is the sum of its days' documents, stored as `<span>-<bot|unit|question>` with
 *   the block's first day as its day. Its `gaps` are counted from that first day: a participant's
 *   active day D with gap g becomes gap g − (D − start) when that reaches before the block (≥ 1),
 *   and disappears otherwise (they were active earlier in the block). So `distinctSince` reads a
 *   block exactly as it reads a day: counted iff the gap reaches back before `from`.
 */

export type Span = 'week' | 'month';
export interface Block {
  readonly span: Span;
  /** First and last day, YYYY-MM-DD. */
  readonly start: string;
  readonly end: string;
}

const monthStart = (day: string): string => `${day.slice(0, 8)}01`;
function monthEnd(day: string): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export const monthOf = (day: string): Block => ({ span: 'month', start: monthStart(day), end: monthEnd(day) });

/** The week block holding a day: its Monday–Sunday week, cut to its month. */
export function weekOf(day: string): Block {
  const monday = weekStart(day);
  const sunday = addDays(monday, 6);
  const ms = monthStart(day);
  const me = monthEnd(day);
  return { span: 'week', start: monday < ms ? ms : monday, end: sunday > me ? me : sunday };
}

/** Every block ending from `after` (exclusive) to `through` (inclusive), in the order of their ends (weeks before their month). */
export function blocksEndingIn(after: string, through: string): Block[] {
  const out: Block[] = [];
  for (let d = addDays(after, 1); d <= through; d = addDays(d, 1)) {
    const w = weekOf(d);
    if (w.end === d) out.push(w);
    if (monthEnd(d) === d) out.push(monthOf(d));
  }
  return out;
}

/** The day rollup kinds a block sums, and the block kind each one goes to. */
export const DAY_KINDS = ['day-bot', 'day-unit', 'day-question', 'far-bot', 'far-unit'] as const;
export const blockKind = (span: Span, dayKind: RollupKind): RollupKind =>
  `${span}-${dayKind === 'far-bot' ? 'bot' : dayKind === 'far-unit' ? 'unit' : dayKind.slice(4)}` as RollupKind;
export const blockKinds = (span: Span): RollupKind[] => [`${span}-bot`, `${span}-unit`, `${span}-question`] as RollupKind[];

/** A day's gaps as counted from the block's first day (only those reaching before the block). */
function gapsFromStart(gaps: Gaps | undefined, day: string, start: string): Gaps | undefined {
  if (!gaps) return undefined;
  const offset = dayNumber(day) - dayNumber(start);
  const out: Gaps = {};
  for (const [g, n] of Object.entries(gaps)) {
    if (!n) continue;
    const h = g === NEW_GAP ? NEW_GAP : String(Number(g) - offset);
    if (h === NEW_GAP || Number(h) >= 1) out[h] = (out[h] ?? 0) + n;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The block's documents from its days' documents (of one bot or several; documents outside the block are ignored). */
export function blockDocs(block: Block, days: Iterable<RollupDoc>): RollupDoc[] {
  const out = new Map<string, RollupDoc>();
  const deltas: RollupDelta[] = [];
  for (const d of days) {
    if (d.day < block.start || d.day > block.end || !(DAY_KINDS as readonly string[]).includes(d.kind)) continue;
    const far = d.kind === 'far-bot' || d.kind === 'far-unit';
    const key = d.kind === 'far-bot' ? '' : d.kind === 'far-unit' ? d.key.slice(0, d.key.lastIndexOf('|')) : d.key;
    const gaps = gapsFromStart(d.gaps, d.day, block.start);
    deltas.push({ kind: blockKind(block.span, d.kind), bot: d.bot, day: block.start, key, inc: far ? {} : d, ...(gaps ? { gaps } : {}) });
  }
  addDeltas(out, deltas);
  return [...out.values()];
}

/** The last day whose blocks may be sealed on `today`: answers of a day are counted until its markers go (MARK_KEEP_DAYS). */
export const sealHorizon = (today: string, keepDays: number): string => addDays(today, -(keepDays + 1));

/** A run of consecutive pieces of one kind: days from..to, or blocks whose first days are from..to. */
export interface Piece {
  readonly span: 'day' | Span;
  readonly from: string;
  readonly to: string;
}

/**
 * The fewest documents per unit for a range: whole months where they fit, whole week blocks where
 * they fit, days at the edges. `usable(block)` says whether a block is sealed (and not waiting to be
 * sealed again). Returns runs of consecutive pieces of one kind, each one range of ids.
 */
export function cover(from: string, to: string, usable: (b: Block) => boolean): Piece[] {
  const runs: Array<{ span: Piece['span']; from: string; to: string }> = [];
  const add = (span: Piece['span'], start: string) => {
    const last = runs[runs.length - 1];
    if (last && last.span === span) last.to = start;
    else runs.push({ span, from: start, to: start });
  };
  for (let d = from; d <= to;) {
    const m = monthOf(d);
    const w = weekOf(d);
    if (m.start === d && m.end <= to && usable(m)) {
      add('month', d);
      d = addDays(m.end, 1);
    } else if (w.start === d && w.end <= to && usable(w)) {
      add('week', d);
      d = addDays(w.end, 1);
    } else {
      add('day', d);
      d = addDays(d, 1);
    }
  }
  return runs;
}

/**
 * How blocks are stored: packed, one document per block, kind and bot (`<kind>|<bot>|<first day>|`)
 * holding its keys (units, questions; '' for the bot) as `rows`, sorted. A year's range then reads
 * a few dozen block documents per bot instead of one per unit or question and block. Rows, not an
 * object keyed by id: unit and question ids may hold characters MongoDB field names may not.
 */
export function packBlocks(docs: readonly RollupDoc[]): Array<Record<string, unknown>> {
  const packed = new Map<string, { _id: string; rows: Array<Record<string, unknown>>; pending: [] }>();
  for (const d of docs) {
    const id = `${d.kind}|${d.bot}|${d.day}|`;
    let p = packed.get(id);
    if (!p) packed.set(id, (p = { _id: id, rows: [], pending: [] }));
    const row: Record<string, unknown> = { k: d.key };
    for (const c of COUNTERS) row[c] = d[c];
    if (d.gaps) row.gaps = d.gaps;
    p.rows.push(row);
  }
  for (const p of packed.values()) p.rows.sort((a, b) => (String(a.k) < String(b.k) ? -1 : String(a.k) > String(b.k) ? 1 : 0));
  return [...packed.values()];
}

/** A packed block document as the documents it holds. */
export function unpackBlock(doc: { _id: unknown; rows?: unknown }): RollupDoc[] {
  const { kind, bot, day } = parseRollupId(String(doc._id));
  return ((doc.rows as Array<Record<string, unknown>> | undefined) ?? []).map((r) => {
    const out: RollupDoc = { kind, bot, day, key: String(r.k), ...zeroCounts() };
    for (const c of COUNTERS) out[c] = (r[c] as number | undefined) ?? 0;
    if (r.gaps) out.gaps = r.gaps as Gaps;
    return out;
  });
}
