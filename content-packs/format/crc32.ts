/**
 * CRC-32 (IEEE 802.3, the ZIP one), slicing-by-8 — pure, for Node 16 (no zlib.crc32) and the
 * browser. Usage: `let c = 0; c = crc32Update(c, chunk); ...` — the running value is the final CRC.
 */
const TABLES = (() => {
  const t = new Int32Array(8 * 256); // int32 (not uint32) keeps V8 on integer fast paths
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    let c = t[i]!;
    for (let s = 1; s < 8; s++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[s * 256 + i] = c;
    }
  }
  return t;
})();

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Continues a CRC: pass 0 to start, the previous return value to continue. */
export function crc32Update(crc: number, data: Uint8Array, start = 0, end = data.length): number {
  const t = TABLES;
  let c = ~crc | 0;
  let i = start;
  // Word loads (two 32-bit reads per 8 bytes) on little-endian hosts, once 4-byte aligned.
  if (LITTLE_ENDIAN && end - i >= 64) {
    while ((data.byteOffset + i) & 3) c = t[(c ^ data[i++]!) & 0xff]! ^ (c >>> 8);
    const words = new Int32Array(data.buffer, data.byteOffset + i, (end - i) >>> 2);
    const n8 = words.length & ~1;
    for (let w = 0; w < n8; w += 2) {
      const a = words[w]! ^ c;
      const b = words[w + 1]!;
      c =
        t[1792 + (a & 0xff)]! ^
        t[1536 + ((a >>> 8) & 0xff)]! ^
        t[1280 + ((a >>> 16) & 0xff)]! ^
        t[1024 + (a >>> 24)]! ^
        t[768 + (b & 0xff)]! ^
        t[512 + ((b >>> 8) & 0xff)]! ^
        t[256 + ((b >>> 16) & 0xff)]! ^
        t[b >>> 24]!;
    }
    i += n8 * 4;
  }
  const fast = end - ((end - i) & 7);
  while (i < fast) {
    const a = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) ^ c;
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
    i += 8;
  }
  while (i < end) c = t[(c ^ data[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32(data: Uint8Array): number {
  return crc32Update(0, data);
}
