/**
 * Strict Ed25519 (issue 10 item 10): signatures that only the lenient ZIP-215 rules accept —
 * non-canonical point encodings — must fail, in the browser-safe verifier and on node:crypto alike.
 * Each vector is first shown to verify under ZIP-215, so the test cannot pass vacuously.
 */
import * as ed from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { nodeEd25519 } from '../node/ed25519-node';
import { nobleEd25519 } from './ed25519';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
/** The identity point (y = 1), canonical: 01 00…00. */
const IDENTITY = '01' + '00'.repeat(31);
/** The identity point written with y = p + 1 = 2^255 − 18: a non-canonical encoding (y ≥ p). */
const IDENTITY_NON_CANONICAL = 'ee' + 'ff'.repeat(30) + '7f';
const S_ZERO = '00'.repeat(32);
const message = new TextEncoder().encode('manifest.json bytes');

const vectors = [
  { name: 'non-canonical R and A', sig: IDENTITY_NON_CANONICAL + S_ZERO, pub: IDENTITY_NON_CANONICAL },
  { name: 'non-canonical R, canonical small-order A', sig: IDENTITY_NON_CANONICAL + S_ZERO, pub: IDENTITY },
  { name: 'canonical small-order R, non-canonical A', sig: IDENTITY + S_ZERO, pub: IDENTITY_NON_CANONICAL },
];

describe('Ed25519 verification is strict (RFC 8032), not ZIP-215', () => {
  for (const v of vectors) {
    it(`${v.name}: accepted by ZIP-215, refused by our verifiers`, async () => {
      expect(ed.verify(hex(v.sig), message, hex(v.pub), { zip215: true })).toBe(true);
      expect(await nobleEd25519.verify(hex(v.sig), message, hex(v.pub))).toBe(false);
      expect(await nodeEd25519.verify(hex(v.sig), message, hex(v.pub))).toBe(false);
    });
  }

  it('the small-order identity key (canonical encodings; "signs" every message): refused by both', async () => {
    const sig = hex(IDENTITY + S_ZERO);
    const pub = hex(IDENTITY);
    expect(ed.verify(sig, message, pub, { zip215: true })).toBe(true);
    expect(await nobleEd25519.verify(sig, message, pub)).toBe(false);
    expect(await nodeEd25519.verify(sig, message, pub)).toBe(false); // node:crypto alone accepts it
  });

  it('an ordinary signature still verifies on both', async () => {
    const kp = await nobleEd25519.generateKeyPair();
    const sig = await nobleEd25519.sign(message, kp.privateKey);
    expect(await nobleEd25519.verify(sig, message, kp.publicKey)).toBe(true);
    expect(await nodeEd25519.verify(sig, message, kp.publicKey)).toBe(true);
  });
});
