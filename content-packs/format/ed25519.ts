/**
 * Ed25519, behind one small interface so the same trust code runs on node:crypto (host, CLI —
 * see content-packs/node/ed25519-node.ts) and in Chrome 108, whose WebCrypto has no Ed25519.
 * Keys are raw: private = 32-byte seed (RFC 8032), public = 32 bytes, signature = 64 bytes.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha512';

export interface Ed25519KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export interface Ed25519 {
  generateKeyPair(): Promise<Ed25519KeyPair>;
  sign(message: Uint8Array, privateKey: Uint8Array): Promise<Uint8Array>;
  /** Never throws: malformed keys or signatures verify as false. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
}

if (!ed.etc.sha512Sync) ed.etc.sha512Sync = (...messages: Uint8Array[]) => sha512(ed.etc.concatBytes(...messages));

function randomSeed(): Uint8Array {
  const c = (globalThis as unknown as { crypto?: { getRandomValues(a: Uint8Array): Uint8Array } }).crypto;
  if (!c?.getRandomValues) throw new Error('No secure random source (globalThis.crypto.getRandomValues) in this runtime; use the node:crypto Ed25519.');
  return c.getRandomValues(new Uint8Array(32));
}

/** Pure-JS Ed25519 (@noble/ed25519 v2 + @noble/hashes sha512). Strict RFC 8032 verification. */
export const nobleEd25519: Ed25519 = {
  async generateKeyPair() {
    const privateKey = randomSeed();
    return { privateKey, publicKey: ed.getPublicKey(privateKey) };
  },
  async sign(message, privateKey) {
    if (privateKey.length !== 32) throw new Error('Ed25519 private key must be 32 bytes');
    return ed.sign(message, privateKey);
  },
  async verify(signature, message, publicKey) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    try {
      return ed.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
};

/** Public key of a 32-byte seed (pure; used to check that a .key file is self-consistent). */
export function ed25519PublicKeyOf(privateKey: Uint8Array): Uint8Array {
  return ed.getPublicKey(privateKey);
}
