import { describe, expect, it } from 'vitest';
import { checkMedia, MEDIA_LIMITS, readImageHeader } from '../../../src/content/index.js';
import { renderPng } from '../../../src/learning/index.js';

/** A real PNG drawn by resvg. */
const png = (width: number, height: number) =>
  renderPng(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="#1F3A68"/></svg>`).png;

/** The markers of a baseline (C0) or progressive (C2) JPEG up to its frame header, as cameras write them. */
function jpeg(width: number, height: number, sof = 0xc0): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const dqt = [0xff, 0xdb, 0x00, 0x04, 0x00, 0x01];
  const frame = [0xff, sof, 0x00, 0x11, 8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return Buffer.from([0xff, 0xd8, ...app0, 0xff, 0xff, ...dqt, ...frame, 0xff, 0xd9]);
}

/** An extended-format WebP's header (RIFF, WEBP, VP8X with the canvas size less one, 24-bit little-endian). */
function webp(width: number, height: number): Buffer {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(22, 4);
  b.write('WEBPVP8X', 8, 'latin1');
  b.writeUInt32LE(10, 16);
  b.writeUIntLE(width - 1, 24, 3);
  b.writeUIntLE(height - 1, 27, 3);
  return b;
}

describe('pictures in content/media', () => {
  it.each([
    ['a PNG', 'q-law-001.png', png(640, 360), { format: 'png', width: 640, height: 360 }],
    ['a baseline JPEG', 'explanation.jpg', jpeg(800, 600), { format: 'jpeg', width: 800, height: 600 }],
    ['a progressive JPEG', 'explanation.JPEG', jpeg(1024, 768, 0xc2), { format: 'jpeg', width: 1024, height: 768 }],
    ['a WebP', 'diagram.webp', webp(1200, 630), { format: 'webp', width: 1200, height: 630 }],
  ])('%s passes with its format and size read from its bytes', (_name, file, bytes, header) => {
    expect(checkMedia(file, bytes)).toEqual({ ok: true, ...header, bytes: bytes.length });
  });

  it.each([
    ['too many bytes', 'big.png', Buffer.concat([png(200, 200), Buffer.alloc(MEDIA_LIMITS.maxBytes)]), /more than the 1000000 allowed/],
    ['too many pixels', 'huge.jpg', jpeg(4000, 3000), /4000×3000 pixels, larger than 2048×2048/],
    ['too small to read', 'tiny.png', png(40, 300), /40×300 pixels, smaller than 100/],
    ['a WebP named .png', 'diagram.png', webp(400, 300), /is a WEBP but its name ends in ".png"/],
    ['a GIF named .png', 'anim.png', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), /not a PNG, JPEG or WebP/],
    ['an SVG named .png', 'logo.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), /not a PNG, JPEG or WebP/],
    ['a JPEG named .png', 'photo.png', jpeg(800, 600), /is a JPEG but its name ends in "\.png"/],
    ['a PNG without extension', 'picture', png(200, 200), /ends in "\(nothing\)"/],
    ['a cut-off JPEG', 'cut.jpg', jpeg(800, 600).subarray(0, 30), /not a PNG, JPEG or WebP/],
    ['an empty file', 'empty.png', Buffer.alloc(0), /not a PNG, JPEG or WebP/],
  ])('%s is refused with a reason', (_name, file, bytes, reason) => {
    const result = checkMedia(file, bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.message).join('\n')).toMatch(reason);
  });

  it('reads the header only: garbage after it does not matter, a broken marker chain is not a picture', () => {
    expect(readImageHeader(Buffer.concat([jpeg(300, 200), Buffer.alloc(100, 7)]))).toEqual({ format: 'jpeg', width: 300, height: 200 });
    expect(readImageHeader(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01]))).toBeNull();
  });
});
