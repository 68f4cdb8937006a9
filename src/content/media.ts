/**
 * Pictures for questions and explanations (content/media/): checked by content:check before they
 * can be sent as attachments. Pure: the caller reads the file and passes its bytes and name.
 * The format is read from the bytes (magic numbers), never trusted from the file name.
 */
import { problem, type CodedProblem } from './problems.js';

export const MEDIA_FORMATS = ['png', 'jpeg', 'webp'] as const;
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
  | { readonly ok: false; readonly problems: readonly CodedProblem[] };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Format and size in pixels read from the file's own header; null when it is not PNG, JPEG or WebP (or is cut short). */
export function readImageHeader(bytes: Uint8Array): { format: MediaFormat; width: number; height: number } | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 24 && b.subarray(0, 8).equals(PNG_SIGNATURE) && b.toString('latin1', 12, 16) === 'IHDR') {
    return { format: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpegSize(b);
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return webpSize(b);
  return null;
}

/** The three WebP bitstreams each keep the canvas size in their own first chunk (RFC 9649). */
function webpSize(b: Buffer): { format: 'webp'; width: number; height: number } | null {
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return { format: 'webp', width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  // Lossy: a key frame's start code 9d 01 2a, then 14-bit width and height.
  if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { format: 'webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
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

const EXTENSIONS: Record<MediaFormat, readonly string[]> = { png: ['.png'], jpeg: ['.jpg', '.jpeg'], webp: ['.webp'] };

/**
 * Where the server serves a picture of content/media (src/http), under PUBLIC_URL: the address
 * Messenger and Zalo OA fetch an attachment from. Null without a public address (no picture is sent).
 */
export function mediaUrl(publicUrl: string | undefined, file: string): string | null {
  return publicUrl ? `${publicUrl.replace(/\/$/, '')}${mediaPath(file)}` : null;
}

/** The path of a picture on this server (what the admin pages' previews show). */
export function mediaPath(file: string): string {
  return `/media/${encodeURIComponent(file)}`;
}

/** The Content-Type a picture is served with. */
export const MEDIA_TYPES: Record<MediaFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** A picture's file name in content/media: a plain name (no folder, no dot first), so it can be served as is. */
export const MEDIA_NAME = /^[a-z0-9][a-z0-9._-]{0,99}\.(png|jpe?g|webp)$/i;

/**
 * Checks one picture: PNG, JPEG or WebP by its bytes, a file name whose extension says the same, at most
 * `maxBytes`, and pixel sizes within the limits. Problems are sentences for content:check (which
 * adds the file and line of the question that refers to the picture).
 */
export function checkMedia(name: string, bytes: Uint8Array, limits: MediaLimits = MEDIA_LIMITS): MediaCheck {
  const problems: CodedProblem[] = [];
  if (bytes.byteLength > limits.maxBytes) problems.push(problem('media_too_big', { file: name, bytes: bytes.byteLength, maxBytes: limits.maxBytes }));
  const header = readImageHeader(bytes);
  if (!header) {
    problems.push(problem('media_not_picture', { file: name }));
    return { ok: false, problems };
  }
  const ext = name.toLowerCase().match(/\.[a-z0-9]+$/)?.[0] ?? '';
  if (!EXTENSIONS[header.format].includes(ext)) problems.push(problem('media_extension', { file: name, format: header.format.toUpperCase(), ext: ext || '(nothing)' }));
  const size = { file: name, width: header.width, height: header.height };
  if (header.width > limits.maxWidth || header.height > limits.maxHeight) problems.push(problem('media_too_large', { ...size, maxWidth: limits.maxWidth, maxHeight: limits.maxHeight }));
  if (Math.min(header.width, header.height) < limits.minSide) problems.push(problem('media_too_small', { ...size, min: limits.minSide }));
  return problems.length ? { ok: false, problems } : { ok: true, ...header, bytes: bytes.byteLength };
}
