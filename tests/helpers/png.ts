import { inflateSync } from 'node:zlib';

/** Width and height from a PNG's IHDR, and whether it is a PNG at all. */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || png.readUInt32BE(0) !== 0x89504e47 || png.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Decodes an 8-bit, non-interlaced RGBA or RGB PNG (what resvg writes) to RGBA pixels: enough to
 * compare a rendered certificate with the reviewed one kept under tests/fixtures.
 */
export function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  const size = pngSize(png);
  if (!size) throw new Error('not a PNG');
  const depth = png[24]!;
  const colour = png[25]!;
  if (depth !== 8 || (colour !== 6 && colour !== 2) || png[28] !== 0) throw new Error(`unsupported PNG (depth ${depth}, colour ${colour})`);
  const channels = colour === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = size.width * channels;
  const out = Buffer.alloc(size.width * size.height * 4);
  const prev = Buffer.alloc(stride);
  const line = Buffer.alloc(stride);
  for (let y = 0; y < size.height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      let v = src[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[x] = v & 255;
    }
    for (let x = 0; x < size.width; x++) {
      for (let ch = 0; ch < 4; ch++) out[(y * size.width + x) * 4 + ch] = ch < channels ? line[x * channels + ch]! : 255;
    }
    line.copy(prev);
  }
  return { ...size, pixels: out };
}
