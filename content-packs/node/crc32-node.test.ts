import { describe, expect, it } from 'vitest';
import { crc32Update } from '../format/crc32';
import { crc32Chunk } from './crc32-node';

describe('crc32Chunk', () => {
  it('agrees with the pure CRC-32, across chunk boundaries', () => {
    const data = new Uint8Array(100_003);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const whole = crc32Update(0, data) >>> 0;
    let c = 0;
    for (let o = 0; o < data.length; o += 7_919) c = crc32Chunk(c, data.subarray(o, Math.min(o + 7_919, data.length)));
    expect(c).toBe(whole);
    expect(crc32Chunk(0, new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
