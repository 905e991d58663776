/**
 * Ed25519 on node:crypto (Node 16+: KeyObject with 'ed25519'). Raw 32-byte keys are wrapped in
 * their fixed DER prefixes (PKCS#8 for private, SPKI for public) — no JWK base64url juggling.
 */
import { ExtendedPoint } from '@noble/ed25519';
import * as crypto from 'crypto';
import type { Ed25519 } from '../format/ed25519';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519PrivateKeyObject(raw: Uint8Array): crypto.KeyObject {
  if (raw.length !== 32) throw new Error('Ed25519 private key must be 32 bytes');
  return crypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(raw)]), format: 'der', type: 'pkcs8' });
}

export function ed25519PublicKeyObject(raw: Uint8Array): crypto.KeyObject {
  if (raw.length !== 32) throw new Error('Ed25519 public key must be 32 bytes');
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(raw)]), format: 'der', type: 'spki' });
}

export const nodeEd25519: Ed25519 = {
  async generateKeyPair() {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    return { privateKey: new Uint8Array(pkcs8.subarray(pkcs8.length - 32)), publicKey: new Uint8Array(spki.subarray(spki.length - 32)) };
  },
  async sign(message, privateKey) {
    return new Uint8Array(crypto.sign(null, message, ed25519PrivateKeyObject(privateKey)));
  },
  async verify(signature, message, publicKey) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    if (!strictEncodings(publicKey, signature)) return false;
    try {
      return crypto.verify(null, message, ed25519PublicKeyObject(publicKey), signature);
    } catch {
      return false;
    }
  },
};

/**
 * RFC 8032 strict checks OpenSSL leaves out: A and R canonically encoded (y < p) and A not of small
 * order (with a small-order key, S = 0 and R = identity "sign" every message). The browser-side
 * verifier (format/ed25519.ts, noble with zip215: false) makes the same checks.
 */
function strictEncodings(publicKey: Uint8Array, signature: Uint8Array): boolean {
  try {
    const A = ExtendedPoint.fromHex(publicKey, false);
    ExtendedPoint.fromHex(signature.subarray(0, 32), false);
    return !A.isSmallOrder();
  } catch {
    return false;
  }
}
