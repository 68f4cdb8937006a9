/**
 * Pictures for questions and explanations (content/media/): checked by content:check before they
 * can be sent as attachments. Pure: the caller reads the file and passes its bytes and name.
 * The format is read from the bytes (magic numbers), never trusted from the file name.
 */

export const MEDIA_FORMATS = ['png', 'jpeg'] as const;
export type MediaFormat = (typeof MEDIA_FORMATS)[number];

export interface MediaLimits {
  /** Zalo OA's image upload takes up to 1 MB; Messenger's attachment upload allows more. The smaller wins. */
  readonly maxBytes: number;
  readonly maxWidth: number;
  readonly maxHeight: number;
  readonly minSide: number;
}

export const MEDIA_LIMITS: MediaLimits = { maxBytes: 1_000_000, maxWidth: 2048, maxHeight: 2048, minSide: 100 };

export type MediaCheck =
  | { readonly ok: true; readonly format: MediaFormat; readonly width: number; readonly height: number; readonly bytes: number }
  | { readonly ok: false; readonly problems: readonly string[] };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Format and size in pixels read from the file's own header; null when it is neither PNG nor JPEG (or is cut short). */
export function readImageHeader(bytes: Uint8Array): { format: MediaFormat; width: number; height: number } | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 24 && b.subarray(0, 8).equals(PNG_SIGNATURE) && b.toString('latin1', 12, 16) === 'IHDR') {
    return { format: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpegSize(b);
  return null;
}

/** Walks the JPEG markers to the first start-of-frame (SOF0..SOF15 except DHT, JPG and DAC). */
function jpegSize(b: Buffer): { format: 'jpeg'; width: number; height: number } | null {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    // Fill bytes and markers without a length.
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = b.readUInt16BE(at + 2);
    if (length < 2) return null;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > b.length) return null;
      return { format: 'jpeg', height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
    }
    if (marker === 0xda || marker === 0xd9) return null; // image data or end before any frame header
    at += 2 + length;
  }
  return null;
}

const EXTENSIONS: Record<MediaFormat, readonly string[]> = { png: ['.png'], jpeg: ['.jpg', '.jpeg'] };

/**
 * Checks one picture: PNG or JPEG by its bytes, a file name whose extension says the same, at most
 * `maxBytes`, and pixel sizes within the limits. Problems are sentences for content:check (which
 * adds the file and line of the question that refers to the picture).
 */
export function checkMedia(name: string, bytes: Uint8Array, limits: MediaLimits = MEDIA_LIMITS): MediaCheck {
  const problems: string[] = [];
  if (bytes.byteLength > limits.maxBytes) problems.push(`${name}: ${bytes.byteLength} bytes, more than the ${limits.maxBytes} allowed (Zalo OA's image limit)`);
  const header = readImageHeader(bytes);
  if (!header) {
    problems.push(`${name}: not a PNG or JPEG picture (its first bytes say so, whatever its name)`);
    return { ok: false, problems };
  }
  const ext = name.toLowerCase().match(/\.[a-z0-9]+$/)?.[0] ?? '';
  if (!EXTENSIONS[header.format].includes(ext)) problems.push(`${name}: the file is a ${header.format.toUpperCase()} but its name ends in "${ext || '(nothing)'}"`);
  if (header.width > limits.maxWidth || header.height > limits.maxHeight)
    problems.push(`${name}: ${header.width}×${header.height} pixels, larger than ${limits.maxWidth}×${limits.maxHeight}`);
  if (Math.min(header.width, header.height) < limits.minSide)
    problems.push(`${name}: ${header.width}×${header.height} pixels, smaller than ${limits.minSide} on a side (unreadable in chat)`);
  return problems.length ? { ok: false, problems } : { ok: true, ...header, bytes: bytes.byteLength };
}
