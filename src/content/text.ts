/** Small pure text helpers shared by the checker and the importer. */

/** The `{{variables}}` a template uses (i18next syntax, including `{{value, format}}`); `$t(...)` nesting is ignored. */
export function templateVariables(template: string): Set<string> {
  const vars = new Set<string>();
  for (const m of template.matchAll(/\{\{\s*-?\s*([A-Za-z_$][\w$.]*)\s*(?:,[^}]*)?\}\}/g)) vars.add(m[1]!);
  return vars;
}

/** i18next plural suffixes: Vietnamese has only `_other`, English `_one` and `_other`. */
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** The key without its plural suffix, so `items_one` and `items_other` count as one key `items`. */
export function pluralBase(key: string): string {
  return key.replace(PLURAL_SUFFIX, '');
}

export interface FlatKey {
  readonly key: string;
  readonly value: unknown;
  /** Path of JSON keys, for positions. */
  readonly path: readonly string[];
}

/** `{a: {b: "x"}}` → `a.b`. Non-string leaves are kept so the checker can complain about them. */
export function flattenKeys(data: Record<string, unknown>, prefix: readonly string[] = []): FlatKey[] {
  const out: FlatKey[] = [];
  for (const [k, v] of Object.entries(data)) {
    const path = [...prefix, k];
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...flattenKeys(v as Record<string, unknown>, path));
    else out.push({ key: path.join('.'), value: v, path });
  }
  return out;
}
