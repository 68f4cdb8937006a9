import { z } from 'zod';
import { ForbiddenError, fold, InvalidError, matchesSearch, NotFoundError, type ContentIssue } from '../../domain/index.js';
import type { Table } from '../io/table.js';
import { problem, type ProblemCode, type ProblemParams } from '../problems.js';
import { unitSchema, type UnitContent, type UnitList } from '../schema.js';
import type { Actor } from './audit.js';
import type { Editor } from './editor.js';
import { slugOf, uniqueId } from './ids.js';
import type { ContentStore } from './live.js';

/**
 * Unit lists as organisers keep them: imported from a spreadsheet (name, size, parent) and sizes
 * edited in the page. A unit id belongs to its list: two lists may use the same id for different
 * units and never mix (the database keys units by list and id; a bot names its own list). An
 * import keeps the id of every unit whose name is already in the list, so members' choices and the
 * statistics stay with their unit; new names get new ids.
 */

/** Header names accepted for each column, folded (no diacritics, lower case). */
const COLUMNS = {
  name: ['name', 'ten', 'ten don vi', 'don vi'],
  size: ['size', 'so thanh vien', 'so doan vien', 'so luong', 'quy mo'],
  parent: ['parent', 'don vi cap tren', 'cap tren', 'truc thuoc'],
  id: ['id', 'ma', 'ma don vi'],
} as const;
type Column = keyof typeof COLUMNS;

export const unitListPatchSchema = z
  .object({
    label: z.string().trim().min(1).max(200).optional(),
    /** Units to change (by id) or add (no id): name and size; size null forgets it. */
    units: z
      .array(
        z
          .object({
            id: unitSchema.shape.id.optional(),
            name: unitSchema.shape.name.optional(),
            size: z.number().int().positive().nullable().optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();
export type UnitListPatch = z.input<typeof unitListPatchSchema>;

const issue = (row: number, column: string, code: ProblemCode, params: ProblemParams = {}): ContentIssue => ({
  ...problem(code, params),
  row,
  column,
});

/** The spreadsheet's columns by what they hold, or the problems of its header row. */
function columnsOf(table: Table): { columns: Partial<Record<Column, string>>; problems: ContentIssue[] } {
  const columns: Partial<Record<Column, string>> = {};
  const problems: ContentIssue[] = [];
  for (const header of table.headers) {
    const which = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).includes(fold(header)));
    if (which) columns[which] = header;
    else problems.push(issue(1, header, 'table_unknown_column', { column: header, known: 'name, size, parent' }));
  }
  if (!columns.name) problems.push(issue(1, 'name', 'table_missing_column', { column: 'name' }));
  if (!problems.length && table.rows.length === 0) problems.push(issue(2, columns.name!, 'table_empty'));
  return { columns, problems };
}

/** Units from the rows: sizes read, ids kept by name (or made), parents found by name among the rows. */
export function unitsFromTable(table: Table, existing: readonly UnitContent[]): { units: UnitContent[]; problems: ContentIssue[] } {
  const { columns, problems } = columnsOf(table);
  if (problems.length) return { units: [], problems };
  const cell = (r: Table['rows'][number], c: Column) => (columns[c] ? (r.cells[columns[c]] ?? '') : '');
  const byName = new Map(existing.map((u) => [fold(u.name), u.id]));
  const taken = new Set<string>();
  const rows: Array<{ row: number; unit: UnitContent; parentName: string }> = [];
  for (const r of table.rows) {
    const name = cell(r, 'name');
    const sizeText = cell(r, 'size').replace(/[.\s]/g, '');
    if (name.length < 2) problems.push({ message: 'required', rule: 'required', row: r.row, column: columns.name! });
    if (sizeText && !/^[1-9]\d*$/.test(sizeText)) problems.push(issue(r.row, columns.size!, 'unit_size_invalid', { value: cell(r, 'size') }));
    if (rows.some((x) => fold(x.unit.name) === fold(name))) problems.push(issue(r.row, columns.name!, 'unit_duplicate_name', { name }));
    const id = cell(r, 'id') || byName.get(fold(name)) || uniqueId(slugOf(name), new Set([...taken, ...existing.map((u) => u.id)]));
    taken.add(id);
    rows.push({ row: r.row, unit: { id, name, ...(sizeText && /^\d+$/.test(sizeText) ? { size: Number(sizeText) } : {}) }, parentName: cell(r, 'parent') });
  }
  const idByName = new Map(rows.map((x) => [fold(x.unit.name), x.unit.id]));
  const units = rows.map(({ row, unit, parentName }) => {
    if (!parentName) return unit;
    const parent = idByName.get(fold(parentName));
    if (!parent) problems.push(issue(row, columns.parent!, 'unit_parent_unknown', { parent: parentName }));
    return parent ? { ...unit, parent } : unit;
  });
  return { units, problems };
}

export function createUnitEditor(deps: { editor: Editor; store: ContentStore }) {
  const { editor, store } = deps;
  const botsOf = (listId: string) => store.live.bots.filter((b) => b.units === listId).map((b) => b.id);

  /** The lists of the bots an actor manages (admins: every list), with the bots that use each. */
  function lists(actor: Actor): Array<UnitList & { bots: string[] }> {
    return store.live.unitLists
      .map((l) => ({ ...l, bots: botsOf(l.id) }))
      .filter((l) => actor.role === 'admin' || l.bots.some((b) => actor.bots!.includes(b)));
  }

  function find(listId: string, actor: Actor): UnitList {
    const list = store.live.unitLists.find((l) => l.id === listId);
    if (!list) throw new NotFoundError('unit_list_not_found', { id: listId });
    if (actor.role !== 'admin' && !botsOf(listId).every((b) => actor.bots!.includes(b))) throw new ForbiddenError('content_item_forbidden', { kind: 'unitList' });
    return list;
  }

  /**
   * Replaces a list's units with the rows of a spreadsheet; nothing is saved when a row is wrong.
   * `label` names the list from then on (the page sends the name typed in its import form, by
   * default the file's name); a sample list's label ("Danh sách mẫu…") would be wrong after an
   * import, so replacing a sample list needs one. The list's id, which the bots name, stays.
   */
  async function importTable(listId: string, table: Table, actor: Actor, label?: string) {
    const old = find(listId, actor);
    const name = label?.trim();
    if (!name && old.example) throw new InvalidError('unit_list_label_required');
    const { units, problems } = unitsFromTable(table, old.units);
    if (problems.length) throw new InvalidError('content_rows_rejected', { count: problems.length }, { content: problems });
    const value: UnitList = { ...old, label: name || old.label, example: false, units };
    await editor.save({ kind: 'unitList', key: listId, value, actor, action: 'import' });
    return { list: value, units: units.length };
  }

  /** Changes the label, names and sizes of units, or adds units. */
  async function patch(listId: string, raw: UnitListPatch, actor: Actor) {
    const p = unitListPatchSchema.parse(raw);
    const old = find(listId, actor);
    const units = [...old.units];
    for (const change of p.units ?? []) {
      const i = change.id ? units.findIndex((u) => u.id === change.id) : -1;
      if (change.id && i < 0) throw new InvalidError('unit_unknown', { unit: change.id });
      if (i < 0) {
        if (!change.name) throw new InvalidError('validation_failed', { what: 'body', summary: 'units: a new unit needs a name' });
        const id = uniqueId(slugOf(change.name), new Set(units.map((u) => u.id)));
        units.push({ id, name: change.name, ...(change.size ? { size: change.size } : {}) });
        continue;
      }
      const { size: _size, ...unit } = units[i]!;
      const size = change.size === undefined ? units[i]!.size : (change.size ?? undefined);
      units[i] = { ...unit, ...(change.name ? { name: change.name } : {}), ...(size ? { size } : {}) };
    }
    const value: UnitList = { ...old, ...(p.label ? { label: p.label } : {}), units };
    await editor.save({ kind: 'unitList', key: listId, value, actor, action: 'update' });
    return value;
  }

  return { lists, find, importTable, patch, botsOf };
}

export type UnitEditor = ReturnType<typeof createUnitEditor>;

/** The units of a bot's own list matching a search (names with or without diacritics). */
export function searchBotUnits(list: UnitList | undefined, query: string | undefined): UnitContent[] {
  const units = list?.units ?? [];
  return query ? units.filter((u) => matchesSearch(u.name, query)) : [...units];
}

/**
 * The unit ids that belong to none of the bots' lists (every bot when `bots` is empty): an unknown
 * unit anywhere in the API is refused, naming it, rather than silently reaching nobody.
 */
export function unknownUnits(
  content: { bots: ReadonlyArray<{ id: string; units: string }>; unitLists: readonly UnitList[] },
  unitIds: readonly string[],
  bots: readonly string[] | null,
): string[] {
  const concerned = content.bots.filter((b) => !bots || bots.length === 0 || bots.includes(b.id));
  const known = new Set(concerned.flatMap((b) => content.unitLists.find((l) => l.id === b.units)?.units.map((u) => u.id) ?? []));
  return unitIds.filter((u) => !known.has(u));
}
