import { describe, expect, it } from 'vitest';
import { fromBase64, fromHex, toBase64, toHex } from './encoding';

describe('base64/hex', () => {
  it('round-trips and agrees with Buffer', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const b64 = toBase64(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString('base64'));
      expect(fromBase64(b64)).toEqual(bytes);
      expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
      expect(fromHex(toHex(bytes))).toEqual(bytes);
    }
  });
  it('rejects non-canonical base64', () => {
    expect(fromBase64('QQ')).toBeUndefined(); // missing padding
    expect(fromBase64('QR==')).toBeUndefined(); // non-zero pad bits
    expect(fromBase64('QQ==')).toEqual(Uint8Array.of(0x41));
    expect(fromBase64('Q-==')).toBeUndefined();
    expect(fromBase64('=QQ=')).toBeUndefined();
  });
});
