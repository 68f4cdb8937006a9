import fs from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Fact } from '../../src/quiz/index.js';

/**
 * Reads a fact file in the format of content/facts/*.yaml (issue 15). Until the content room loads
 * content/facts, the Hỏi đáp tests read their fixture through this schema.
 */
const localised = z.object({ vi: z.string().min(1), en: z.string().min(1) }).strict();
const factSchema = z
  .object({
    id: z.string().regex(/^(?:[A-Z]\d{2}[a-z]?|seed-\d{3}-[a-z0-9-]+|pub-[a-z0-9-]+)$/),
    statement: localised,
    document: z
      .object({
        kind: localised,
        number: z.string().optional(),
        date: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .optional(),
        issuer: localised.optional(),
        title: localised.optional(),
      })
      .strict(),
    link: z.string().url().optional(),
    quote: z.string().min(1),
    quoteFrom: z.string().optional(),
    replacedBy: z.string().optional(),
    validUntil: z.string().optional(),
    province: z.string().optional(),
    keywords: z
      .object({ vi: z.array(z.string()).optional(), en: z.array(z.string()).optional() })
      .strict()
      .optional(),
  })
  .strict();

export function readFactFile(file: string): Fact[] {
  return z
    .object({ facts: z.array(factSchema) })
    .strict()
    .parse(parse(fs.readFileSync(file, 'utf8'))).facts;
}
