import zlib from 'node:zlib';

/** CRC-32 (IEEE 802.3, as zlib computes it): zlib's own where Node has it (20.15+), else a table. */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** The CRC-32 checksum of bytes, as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  if (native) return native(bytes) >>> 0;
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
