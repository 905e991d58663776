import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  createKeyFiles,
  formatTrustFile,
  issueCertificate,
  issueRevocationList,
  keyIdOf,
  parseCertificate,
  parsePrivateKeyFile,
  parsePublicKeyFile,
  verifyCertificateChain,
} from './trust';
import { fromBase64, toBase64 } from './encoding';
import { makeTestTrust } from './testing';

const now = new Date('2025-09-01T00:00:00Z');

describe('key files', () => {
  it('keyId is the first 16 hex of sha256(publicKey)', async () => {
    const { publicKeyFile } = await createKeyFiles('x');
    const pub = fromBase64(publicKeyFile.publicKey)!;
    expect(publicKeyFile.keyId).toBe(createHash('sha256').update(pub).digest('hex').slice(0, 16));
    expect(keyIdOf(pub)).toBe(publicKeyFile.keyId);
  });

  it('round-trips through the file text and rejects tampering', async () => {
    const { publicKeyFile, privateKeyFile } = await createKeyFiles('某县电教馆');
    expect(parsePublicKeyFile(formatTrustFile(publicKeyFile))).toEqual(publicKeyFile);
    expect(parsePrivateKeyFile(new TextEncoder().encode(formatTrustFile(privateKeyFile)))).toEqual(privateKeyFile);
    expect(() => parsePublicKeyFile(JSON.stringify({ ...publicKeyFile, keyId: '0123456789abcdef' }), 'x.pub')).toThrow(/keyId does not match/);
    const other = await createKeyFiles('other');
    expect(() => parsePrivateKeyFile(JSON.stringify({ ...privateKeyFile, privateKey: other.privateKeyFile.privateKey }))).toThrow(/not the public key/);
    expect(() => parsePublicKeyFile('{not json')).toThrow(expect.objectContaining({ code: 'trust.malformed-file' }));
    expect(() => parseCertificate(formatTrustFile(publicKeyFile))).toThrow(/teachpoint-cert\/1/);
  });
});

describe('verifyCertificateChain', () => {
  it('accepts a valid chain', async () => {
    const t = await makeTestTrust();
    expect(await verifyCertificateChain(t.cert, [t.root.publicKeyFile], { now })).toEqual([]);
    expect(parseCertificate(formatTrustFile(t.cert))).toEqual(t.cert);
  });

  it('names an unknown issuer', async () => {
    const t = await makeTestTrust();
    const stranger = await createKeyFiles('other province');
    const problems = await verifyCertificateChain(t.cert, [stranger.publicKeyFile], { now });
    expect(problems.map((p) => p.code)).toEqual(['pack.unknown-key']);
    expect(problems[0]!.path).toBe('publisher.certificate.issuerKeyId');
  });

  it('detects an altered certificate (bad signature)', async () => {
    const t = await makeTestTrust();
    const forged = { ...t.cert, notAfter: '2199-01-01T00:00:00.000Z' };
    expect((await verifyCertificateChain(forged, [t.root.publicKeyFile], { now })).map((p) => p.code)).toEqual(['pack.bad-cert-signature']);
    // a cert signed by the county key itself, claiming the root as issuer
    const self = await issueCertificate({ issuer: { ...t.county.privateKeyFile, keyId: t.root.publicKeyFile.keyId }, subject: t.county.publicKeyFile, notBefore: '2024-01-01', notAfter: '2030-01-01' });
    expect((await verifyCertificateChain(self, [t.root.publicKeyFile], { now })).map((p) => p.code)).toEqual(['pack.bad-cert-signature']);
  });

  it('checks validity period against now', async () => {
    const t = await makeTestTrust({ notBefore: '2024-01-01T00:00:00Z', notAfter: '2025-01-01T00:00:00Z' });
    const expired = await verifyCertificateChain(t.cert, [t.root.publicKeyFile], { now });
    expect(expired.map((p) => p.code)).toEqual(['pack.cert-expired']);
    expect(expired[0]!.message.zh).toContain('过期');
    const early = await verifyCertificateChain(t.cert, [t.root.publicKeyFile], { now: new Date('2023-06-01T00:00:00Z') });
    expect(early.map((p) => p.code)).toEqual(['pack.cert-not-yet-valid']);
  });

  it('honours signed revocation lists and ignores forged ones', async () => {
    const t = await makeTestTrust();
    const list = await issueRevocationList({ issuer: t.root.privateKeyFile, revokedKeyIds: [t.county.publicKeyFile.keyId], issuedAt: '2025-08-01' });
    const revoked = await verifyCertificateChain(t.cert, [t.root.publicKeyFile], { now, revocations: [list] });
    expect(revoked.map((p) => p.code)).toEqual(['pack.key-revoked']);
    expect(revoked[0]!.path).toBe('publisher.certificate.subject.keyId');

    const forged = { ...list, revokedKeyIds: [] as string[] };
    const stillRevoked = await verifyCertificateChain(t.cert, [t.root.publicKeyFile], { now, revocations: [forged, list] });
    expect(stillRevoked.map((p) => p.code).sort()).toEqual(['pack.bad-revocation-list', 'pack.key-revoked']);

    const byCounty = await issueRevocationList({ issuer: t.county.privateKeyFile, revokedKeyIds: [] });
    expect((await verifyCertificateChain(t.cert, [t.root.publicKeyFile], { now, revocations: [byCounty] })).map((p) => p.code)).toEqual(['pack.bad-revocation-list']);
  });

  it('reports a malformed certificate with paths', async () => {
    const t = await makeTestTrust();
    const problems = await verifyCertificateChain({ ...t.cert, signature: toBase64(new Uint8Array(10)) }, [t.root.publicKeyFile], { now });
    expect(problems.map((p) => [p.code, p.path])).toEqual([['pack.cert-malformed', 'publisher.certificate.signature']]);
  });
});
