import type { z } from 'zod';
import type { Path } from './source.js';

/**
 * zod drops keys it does not know, so a typo such as `reminderDaysbefore:` would silently fall back
 * to the default. This walks the data along the schema and returns every key the schema lacks.
 */

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

export interface UnknownKey {
  readonly path: Path;
  readonly key: string;
  readonly known: readonly string[];
}

export function unknownKeys(schema: z.ZodType, data: unknown, path: Path = []): UnknownKey[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return def.innerType ? unknownKeys(def.innerType, data, path) : [];
    case 'pipe':
      return def.in ? unknownKeys(def.in, data, path) : [];
    case 'array':
      return Array.isArray(data) && def.element ? data.flatMap((item, i) => unknownKeys(def.element!, item, [...path, i])) : [];
    case 'object': {
      if (!data || typeof data !== 'object' || Array.isArray(data) || !def.shape) return [];
      const shape = def.shape;
      const known = Object.keys(shape);
      return Object.entries(data as Record<string, unknown>).flatMap(([key, value]) => {
        const field = shape[key];
        return field ? unknownKeys(field, value, [...path, key]) : [{ path: [...path, key], key, known }];
      });
    }
    default:
      return [];
  }
}
