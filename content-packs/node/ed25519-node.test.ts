import { describe, expect, it } from 'vitest';
import { nobleEd25519 } from '../format/ed25519';
import { nodeEd25519 } from './ed25519-node';
import { createKeyFiles, issueCertificate, verifyCertificateChain } from '../format/trust';
import { signManifest, verifyManifestSignature } from '../format/signature';
import { fromBase64 } from '../format/encoding';

const msg = new TextEncoder().encode('{"format":"teachpoint-pack/1","title":{"zh-CN":"一年级数学"}}');

describe('Ed25519: node:crypto and @noble agree', () => {
  it('RFC 8032 test vector 1 (empty message)', async () => {
    const priv = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const pub = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
    const expected = 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
    for (const ed of [nodeEd25519, nobleEd25519]) {
      const sig = await ed.sign(new Uint8Array(0), priv);
      expect(Buffer.from(sig).toString('hex')).toBe(expected);
      expect(await ed.verify(sig, new Uint8Array(0), pub)).toBe(true);
    }
  });

  it('cross-verifies signatures both ways and produces identical signatures', async () => {
    for (const [signer, verifier] of [
      [nodeEd25519, nobleEd25519],
      [nobleEd25519, nodeEd25519],
    ] as const) {
      const kp = await signer.generateKeyPair();
      expect(kp.privateKey.length).toBe(32);
      expect(kp.publicKey.length).toBe(32);
      const sig = await signer.sign(msg, kp.privateKey);
      expect(await verifier.verify(sig, msg, kp.publicKey)).toBe(true);
      expect(Buffer.from(await verifier.sign(msg, kp.privateKey)).equals(Buffer.from(sig))).toBe(true); // deterministic
      const tampered = msg.slice();
      tampered[3] = tampered[3]! ^ 1;
      expect(await verifier.verify(sig, tampered, kp.publicKey)).toBe(false);
      const badSig = sig.slice();
      badSig[10] = badSig[10]! ^ 1;
      expect(await verifier.verify(badSig, msg, kp.publicKey)).toBe(false);
      expect(await verifier.verify(sig.subarray(0, 63), msg, kp.publicKey)).toBe(false);
      expect(await verifier.verify(sig, msg, new Uint8Array(32))).toBe(false);
    }
  });

  it('certificates and manifest signatures made with one verify with the other', async () => {
    const root = await createKeyFiles('root', nodeEd25519);
    const county = await createKeyFiles('county', nobleEd25519);
    const cert = await issueCertificate({ issuer: root.privateKeyFile, subject: county.publicKeyFile, notBefore: '2024-01-01', notAfter: '2030-01-01' }, nodeEd25519);
    const now = new Date('2025-01-01');
    expect(await verifyCertificateChain(cert, [root.publicKeyFile], { now, ed25519: nobleEd25519 })).toEqual([]);
    expect(await verifyCertificateChain(cert, [root.publicKeyFile], { now, ed25519: nodeEd25519 })).toEqual([]);
    const sig = await signManifest(msg, county.privateKeyFile, nobleEd25519);
    expect(await verifyManifestSignature(msg, sig, fromBase64(county.publicKeyFile.publicKey)!, nodeEd25519)).toBe(true);
  });
});
