import type { Models } from '../db/index.js';

/** A unit as it is named: by its id within its list (two lists may use the same unit id). */
export interface UnitRef {
  readonly listId: string | null;
  readonly unitId: string | null;
}

/** The key of {@link unitNames}' map. */
export const unitKey = (ref: UnitRef): string => `${ref.listId}|${ref.unitId}`;

/**
 * The names of units, each looked up in its own list (the Unit collection the content sync fills),
 * in one query. Refs without a list or a unit, and units not found, are left out of the map.
 */
export async function unitNames(models: Models, refs: readonly UnitRef[]): Promise<Map<string, string>> {
  const known = refs.filter((r): r is { listId: string; unitId: string } => r.listId !== null && r.unitId !== null);
  if (known.length === 0) return new Map();
  const docs = await models.Unit.collection
    .find(
      { listId: { $in: [...new Set(known.map((r) => r.listId))] }, unitId: { $in: [...new Set(known.map((r) => r.unitId))] } },
      { projection: { _id: 0, listId: 1, unitId: 1, name: 1 } },
    )
    .toArray();
  return new Map(docs.map((d) => [unitKey({ listId: String(d.listId), unitId: String(d.unitId) }), String(d.name)]));
}
