/**
 * Looks at JSON text as bytes, without parsing it: how deep it nests, and one field of the top-level
 * object. Both are linear in the input, allocate nothing per byte and never recurse, so they are
 * safe on anything a stranger posts (a webhook's body before its signature is checked, or a signed
 * body nested thousands of levels deep that would overflow the stack of a recursive walk).
 * Multi-byte UTF-8 sequences only use bytes >= 0x80, so they never look like JSON punctuation.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;

/** The index just past the string that starts with the quote at `start` (or raw.length when it never closes). */
function skipString(raw: Buffer, start: number): number {
  for (let i = start + 1; i < raw.length; i++) {
    const b = raw[i];
    if (b === BACKSLASH) i++;
    else if (b === QUOTE) return i + 1;
  }
  return raw.length;
}

/** True when brackets and braces outside strings nest deeper than `max`. Stops at the first level past it. */
export function nestsDeeperThan(raw: Buffer, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === QUOTE) i = skipString(raw, i) - 1;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > max) return true;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
  }
  return false;
}

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** The scalar value starting at `i` as text: a string's content (escapes decoded) or a number's digits. */
function scalarAt(raw: Buffer, i: number): string | undefined {
  if (raw[i] === QUOTE) {
    const end = skipString(raw, i);
    if (raw[end - 1] !== QUOTE || end - i < 2) return undefined;
    const token = raw.toString('utf8', i, end);
    try {
      return JSON.parse(token) as string;
    } catch {
      return undefined;
    }
  }
  let end = i;
  while (end < raw.length && end - i < 40 && /[-+.eE0-9]/.test(String.fromCharCode(raw[end]!))) end++;
  const n = Number(raw.toString('latin1', i, end));
  return end > i && Number.isFinite(n) ? String(n) : undefined;
}

/**
 * The value of `key` in the top-level object, when it is a string or a number (a number comes back
 * as `String(number)`, as JSON.parse then String would give). The first occurrence wins; undefined
 * when the key is absent at the top level or holds something else.
 */
export function topLevelScalar(raw: Buffer, key: string): string | undefined {
  const wanted = Buffer.from(JSON.stringify(key), 'utf8');
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === QUOTE) {
      const end = skipString(raw, i);
      if (depth === 1 && end - i === wanted.length && raw.compare(wanted, 0, wanted.length, i, end) === 0) {
        let j = end;
        while (isSpace(raw[j])) j++;
        if (raw[j] === COLON) {
          j++;
          while (isSpace(raw[j])) j++;
          return scalarAt(raw, j);
        }
      }
      i = end - 1;
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
    else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
  }
  return undefined;
}
