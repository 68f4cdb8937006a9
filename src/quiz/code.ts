/**
 * Short codes people read on a picture or a link and may type back: 32 symbols without the look-alikes
 * 0/O and 1/I, eight of them (40 bits) from a random source, shown as "ABCD-EFGH".
 * Pure: the caller passes the random bytes (crypto.randomBytes at the edge).
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;
/** Random bytes a code needs: 5 bits per symbol. */
export const CODE_BYTES = Math.ceil((CODE_LENGTH * 5) / 8);

/** Eight symbols from five random bytes, 5 bits each: every symbol equally likely. */
export function typeableCode(bytes: Uint8Array): string {
  if (bytes.length < CODE_BYTES) throw new RangeError(`a code needs ${CODE_BYTES} random bytes`);
  let bits = 0n;
  for (const b of bytes.subarray(0, CODE_BYTES)) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = CODE_LENGTH - 1; i >= 0; i--) out += CODE_ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return out;
}

/** "ABCDEFGH" → "ABCD-EFGH", as printed and said. */
export function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What a person typed back, as a stored code: case, spaces and dashes ignored. Anything else
 * (a 0, an O, a wrong length) is not a code: null.
 */
export function parseCode(input: string): string | null {
  const s = input
    .slice(0, 40)
    .toUpperCase()
    .replace(/[\s\-_.]/g, '');
  if (s.length !== CODE_LENGTH) return null;
  for (const ch of s) if (!CODE_ALPHABET.includes(ch)) return null;
  return s;
}
