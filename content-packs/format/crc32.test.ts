import { describe, expect, it } from 'vitest';
import * as zlib from 'node:zlib';
import { crc32, crc32Update } from './crc32';

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
  it('agrees with zlib for every length 0..300 and across chunk boundaries', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 255);
    const zcrc = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
    for (let n = 0; n <= 300; n++) {
      const expected = zcrc ? zcrc(data.subarray(0, n)) : undefined;
      const got = crc32(data.subarray(0, n));
      if (expected !== undefined) expect(got).toBe(expected);
      const split = Math.floor(n / 3);
      expect(crc32Update(crc32Update(0, data, 0, split), data, split, n)).toBe(got);
    }
  });
});
