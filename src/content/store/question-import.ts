import { dayOf, InvalidError, type ContentIssue } from '../../domain/index.js';
import { parseQuestionRows, questionColumn } from '../io/questions.js';
import type { Table, TableRow } from '../io/table.js';
import { problem } from '../problems.js';
import type { QuestionContent } from '../schema.js';
import type { Actor } from './audit.js';
import type { Editor, SaveRequest } from './editor.js';
import type { ContentStore } from './live.js';
import { actorAsks, nextQuestionId } from './questions.js';

/**
 * A question table uploaded in the admin page (the columns of `questions export`): every row is
 * checked like a question saved in the page — the schema per row, the organiser's topics, then
 * content:check's rules on the merged bank — and saved in the database all together, or not at all
 * with every problem named by row and column. `id`, `status`, `author` and `written_at` may be left
 * empty: a new id in the topic, a draft, the uploader, today.
 */
export async function importQuestionTable(
  deps: { editor: Editor; store: ContentStore; timeZone: string; clock: () => Date },
  table: Table,
  actor: Actor,
): Promise<{ created: number; updated: number }> {
  const filled = withDefaults(deps, table, actor);
  const parsed = parseQuestionRows(filled, 'upload');
  const problems: ContentIssue[] = parsed.problems.map((p) => ({ ...p }));
  const owned = new Map(deps.store.items().filter((i) => i.kind === 'question').map((i) => [i.key, i]));
  const shipped = new Set(deps.store.live.questions.map((q) => q.id));
  const rowOf = new Map<string, number>();
  for (const { value: q, origin } of parsed.entries) {
    const row = Number(origin.path[0]);
    const at = (column: string, code: Parameters<typeof problem>[0], params: Record<string, string>) => problems.push({ ...problem(code, params), row, column });
    if (rowOf.has(q.id)) at('id', 'table_duplicate_id', { id: q.id });
    rowOf.set(q.id, row);
    if (!actorAsks(actor, deps.store.live.bots, q)) at('topic', 'table_topic_forbidden', { topic: q.topic });
    if (q.status !== 'draft' && actor.role !== 'admin') at('status', 'table_status_workflow', {});
    const exists = owned.has(q.id) || shipped.has(q.id);
    if (exists && actor.role !== 'admin' && owned.get(q.id)?.createdBy !== actor.name) at('id', 'table_exists', { id: q.id });
  }
  if (problems.length) throw rejected(problems);
  const reqs: SaveRequest<'question'>[] = parsed.entries.map(({ value }) => ({
    kind: 'question',
    key: value.id,
    value,
    actor,
    action: 'import',
  }));
  try {
    await deps.editor.saveAll(reqs);
  } catch (err) {
    // Problems about an imported question are said at its row.
    if (err instanceof InvalidError && err.content) throw rejected(err.content.map((c) => rowed(c, rowOf)));
    throw err;
  }
  const updated = reqs.filter((r) => owned.has(r.key) || shipped.has(r.key)).length;
  return { created: reqs.length - updated, updated };
}

const rejected = (problems: readonly ContentIssue[]) =>
  new InvalidError('content_rows_rejected', { count: problems.length }, { content: [...problems].sort((a, b) => (a.row ?? 0) - (b.row ?? 0)) });

/** A content problem about question `key` at that question's row. */
function rowed(c: ContentIssue & { key?: string }, rowOf: ReadonlyMap<string, number>): ContentIssue {
  const row = c.key ? rowOf.get(c.key) : rowOf.size === 1 ? [...rowOf.values()][0] : undefined;
  const path = c.field?.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  return row === undefined ? c : { ...c, row, ...(path ? { column: questionColumn(path) } : {}) };
}

/** The table with the columns organisers may leave out filled in: id, status, author, written_at. */
function withDefaults(deps: { store: ContentStore; timeZone: string; clock: () => Date }, table: Table, actor: Actor): Table {
  const headers = [...new Set([...table.headers, 'id', 'status', 'author', 'written_at'])];
  const known: Array<{ id: string; topic: string }> = [
    ...deps.store.live.questions,
    ...deps.store.items().filter((i) => i.kind === 'question').map((i) => i.value as QuestionContent),
  ];
  const rows: TableRow[] = table.rows.map((r) => {
    const cells = { ...r.cells };
    if (!cells.id && cells.topic) {
      cells.id = nextQuestionId(cells.topic, known);
      known.push({ id: cells.id, topic: cells.topic });
    }
    cells.status ||= 'draft';
    cells.author ||= actor.name;
    cells.written_at ||= dayOf(deps.clock(), deps.timeZone);
    return { row: r.row, cells };
  });
  return { headers, rows };
}
