import { describe, expect, it } from 'vitest';
import { createUuidv7, isUuidv7, uuidv7, uuidv7Timestamp, UUIDV7_PATTERN } from './uuidv7';

/** Deterministic byte source so tests can pin the random part. */
function fixedRandom(fill: number) {
  return (bytes: Uint8Array) => {
    bytes.fill(fill);
  };
}

describe('uuidv7', () => {
  it('has the RFC 9562 layout: version 7, variant 10, 36 chars', () => {
    const id = uuidv7();
    expect(id).toMatch(UUIDV7_PATTERN);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    expect(isUuidv7(id)).toBe(true);
    expect(isUuidv7('not-a-uuid')).toBe(false);
  });

  it('encodes the millisecond timestamp big-endian in the first 48 bits', () => {
    const ms = 0x0189_abcd_ef01; // 2023-07-…
    const gen = createUuidv7({ now: () => ms, random: fixedRandom(0) });
    const id = gen();
    expect(id.startsWith('0189abcd-ef01-7')).toBe(true);
    expect(uuidv7Timestamp(id)).toBe(ms);
  });

  it('is strictly increasing within one millisecond (counter) and across milliseconds', () => {
    let t = 1_700_000_000_000;
    const gen = createUuidv7({ now: () => t, random: fixedRandom(0xff) });
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) {
      if (i % 1000 === 999) t++;
      ids.push(gen());
    }
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never goes backwards when the clock does', () => {
    let t = 1_700_000_000_500;
    const gen = createUuidv7({ now: () => t, random: fixedRandom(7) });
    const a = gen();
    t -= 400; // NTP step back
    const b = gen();
    expect(b > a).toBe(true);
    expect(uuidv7Timestamp(b)).toBe(1_700_000_000_500);
  });

  it('moves to the next millisecond when the 12-bit counter overflows', () => {
    const t = 1_700_000_000_000;
    const gen = createUuidv7({ now: () => t, random: fixedRandom(0xff) });
    // seed = 0x7ff, so 0x800 more ids in the same ms overflow the counter.
    const ids = Array.from({ length: 0x802 }, () => gen());
    expect(uuidv7Timestamp(ids[0]!)).toBe(t);
    expect(uuidv7Timestamp(ids[ids.length - 1]!)).toBe(t + 1);
    expect([...ids].sort()).toEqual(ids);
  });

  it('uses the random source for the tail (different sources → different ids)', () => {
    const a = createUuidv7({ now: () => 1, random: fixedRandom(0x11) })();
    const b = createUuidv7({ now: () => 1, random: fixedRandom(0x22) })();
    expect(a.slice(19)).not.toBe(b.slice(19));
  });

  it('many default ids are unique', () => {
    const ids = new Set(Array.from({ length: 20000 }, () => uuidv7()));
    expect(ids.size).toBe(20000);
  });
});
