import path from 'node:path';
import { Document } from 'yaml';
import { checkUnitLists, type Locator } from '../check.js';
import { loadContent, type ContentPaths } from '../load.js';
import { unitFileSchema, unitSchema, type UnitContent, type UnitList } from '../schema.js';
import { describeRowIssue, missingColumns, unknownColumns, type RowProblem } from './rows.js';
import { readTable, writeTable } from './table.js';
import { writeYamlDocument } from './yaml-write.js';

/** Spreadsheet columns for units. */
export const UNIT_COLUMNS = ['id', 'name', 'size', 'parent'] as const;
type UnitColumn = (typeof UNIT_COLUMNS)[number];

export interface UnitImportOptions {
  readonly listId: string;
  /** Label of the list; default: the existing list's label if it is a real list. */
  readonly label?: string;
}

export interface UnitImportResult {
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly units: number;
  readonly file?: string;
}

/**
 * Imports a unit list from CSV or XLSX into `content/units/<list>.yaml`. The file is the whole list:
 * it replaces the list's units (and an example list becomes a real one, `example: false`).
 * Nothing is written unless every row is valid.
 */
export async function importUnits(file: string, paths: ContentPaths, options: UnitImportOptions): Promise<UnitImportResult> {
  const idCheck = unitFileSchema.shape.id.safeParse(options.listId);
  if (!idCheck.success) return { ok: false, problems: [`--list: ${idCheck.error.issues[0]?.message ?? 'invalid list id'}`], units: 0 };

  const table = await readTable(file);
  const problems: RowProblem[] = [...missingColumns(table.headers, ['id', 'name']), ...unknownColumns(table.headers, UNIT_COLUMNS)];
  const units: Array<{ value: UnitContent; row: number }> = [];
  if (!problems.length) {
    for (const row of table.rows) {
      const c = (name: UnitColumn) => row.cells[name] ?? '';
      const raw: Record<string, unknown> = { id: c('id'), name: c('name') };
      if (c('size') !== '') raw.size = /^\d+$/.test(c('size')) ? Number(c('size')) : c('size');
      if (c('parent') !== '') raw.parent = c('parent');
      const result = unitSchema.safeParse(raw);
      if (!result.success) {
        for (const issue of result.error.issues) {
          const column = String(issue.path[0] ?? 'id') as UnitColumn;
          problems.push({ row: row.row, column, message: describeRowIssue(issue, row.cells[column]) });
        }
      } else units.push({ value: result.data, row: row.row });
    }
    if (!table.rows.length) problems.push({ row: 2, column: 'id', message: 'the file has no units' });
  }
  const format = (p: RowProblem) => `row ${p.row}, column ${p.column}: ${p.message}`;
  if (problems.length) return { ok: false, problems: problems.sort((a, b) => a.row - b.row).map(format), units: 0 };

  const loaded = loadContent(paths);
  const existing = loaded.entries.unitLists.find((l) => l.value.id === options.listId);
  const list: UnitList = {
    id: options.listId,
    label: options.label ?? (existing && !existing.value.example ? existing.value.label : `Danh sách đơn vị ${options.listId}`),
    example: false,
    units: units.map((u) => u.value),
  };
  // Cross-checks on the list itself (duplicate ids, unknown parents), reported by row.
  const name = path.basename(file);
  const rows = units.map((u) => u.row);
  const locator: Locator = {
    position: (o) => {
      const index = Number(o.path[1]);
      const field = String(o.path[2] ?? 'id') as UnitColumn;
      return { line: rows[index] ?? 1, column: UNIT_COLUMNS.indexOf(field) + 1 };
    },
    describe: (o) => `row ${rows[Number(o.path[1])] ?? 1}`,
  };
  const cross = checkUnitLists([{ value: list, origin: { file: name, path: [] } }], locator);
  if (cross.length) {
    return { ok: false, problems: cross.map((p) => `row ${p.line}, column ${UNIT_COLUMNS[p.column - 1]}: ${p.message}`), units: 0 };
  }

  const target = existing ? path.resolve(paths.root ?? process.cwd(), existing.origin.file) : path.join(paths.contentDir, 'units', `${list.id}.yaml`);
  const doc = new Document({
    id: list.id,
    label: list.label,
    example: false,
    units: list.units.map((u) => ({ id: u.id, name: u.name, ...(u.size ? { size: u.size } : {}), ...(u.parent ? { parent: u.parent } : {}) })),
  });
  writeYamlDocument(target, doc);
  return { ok: true, problems: [], units: list.units.length, file: target };
}

/** Exports one unit list (`--list`) to CSV or XLSX with the import columns. */
export async function exportUnits(file: string, paths: ContentPaths, listId: string): Promise<{ count: number } | { error: string }> {
  const loaded = loadContent(paths);
  const list = loaded.bundle.unitLists.find((l) => l.id === listId);
  if (!list) {
    const known = loaded.bundle.unitLists.map((l) => l.id).join(', ') || 'none';
    return { error: `no unit list "${listId}" in content/units (known: ${known})` };
  }
  await writeTable(
    file,
    UNIT_COLUMNS,
    list.units.map((u) => [u.id, u.name, u.size ?? null, u.parent ?? null]),
  );
  return { count: list.units.length };
}

