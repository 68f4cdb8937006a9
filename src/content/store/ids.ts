import { fold } from '../../domain/index.js';

/** An id from words, as content ids are written: lower case, no diacritics, dashes ("CĐCS Sở Y tế" → "cdcs-so-y-te"). */
export function slugOf(text: string, max = 48): string {
  const slug = fold(text).replace(/ /g, '-').slice(0, max).replace(/-+$/, '');
  return /^[a-z0-9]/.test(slug) ? slug : `x-${slug}`.replace(/-+$/, '') || 'x';
}

/** `base`, or `base-2`, `base-3`… whichever is not taken yet. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
