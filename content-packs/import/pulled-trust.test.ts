import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TeachPointError } from '../../common/errors/errors';
import { PackLibrary } from '../device/pack-library';
import { makeTestTrust } from '../format/testing';
import { issueRevocationList } from '../format/trust';
import { nodeEd25519 } from '../node/ed25519-node';
import { loadTrust } from './open-verified';
import { storePulledTrust, pulledCertsDir } from './pulled-trust';
import { enrolTestRoot, snapshotDir, testTrust, writeTestPack } from './test-helpers';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tp-pulled-trust-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('storePulledTrust', () => {
  it('keeps a certificate the roots signed, refuses one from a foreign root, removes a withdrawn one', async () => {
    const dataDir = join(tmp, 'certs');
    await enrolTestRoot(dataDir);
    const trust = await testTrust();
    const foreign = await makeTestTrust({ ed25519: nodeEd25519 });
    const r = await storePulledTrust(
      dataDir,
      [
        { id: 'ok', kind: 'certificate', document: trust.cert, deleted: false },
        { id: 'foreign', kind: 'certificate', document: foreign.cert, deleted: false },
      ],
      await loadTrust(dataDir),
    );
    expect(r.stored).toEqual(['ok']);
    expect(r.refused.map((x) => [x.id, x.problems[0]?.code])).toEqual([['foreign', 'pack.unknown-key']]);
    expect(readdirSync(pulledCertsDir(dataDir))).toEqual([`${trust.cert.subject.keyId}.cert.json`]);
    // a stored certificate is not a root: the foreign county's pack is still refused
    expect((await loadTrust(dataDir)).trustedRoots.map((k) => k.keyId)).toEqual([trust.root.publicKeyFile.keyId]);
    const removed = await storePulledTrust(dataDir, [{ id: 'ok', kind: 'certificate', document: trust.cert, deleted: true }], await loadTrust(dataDir));
    expect(removed.removed).toEqual(['ok']);
    expect(readdirSync(pulledCertsDir(dataDir))).toEqual([]);
  });

  it('a revocation list signed by the root makes imports refuse the revoked county key; a forged one changes nothing', async () => {
    const dataDir = join(tmp, 'revoked');
    await enrolTestRoot(dataDir);
    const trust = await testTrust();
    const pack = await writeTestPack(join(tmp, 'packs'), { id: 'cn.test.revoked', blobs: [{ seed: 'rev-a', size: 10_000 }] });
    const foreign = await makeTestTrust({ ed25519: nodeEd25519 });
    const forged = await issueRevocationList({ issuer: foreign.root.privateKeyFile, revokedKeyIds: [trust.cert.subject.keyId] }, nodeEd25519);
    const before = snapshotDir(dataDir);
    const refused = await storePulledTrust(dataDir, [{ id: 'forged', kind: 'revocations', document: forged, deleted: false }], await loadTrust(dataDir));
    expect(refused.refused.map((x) => x.problems[0]?.code)).toEqual(['pack.bad-revocation-list']);
    expect(Object.keys(snapshotDir(dataDir))).toEqual(Object.keys(before));

    const real = await issueRevocationList({ issuer: trust.root.privateKeyFile, revokedKeyIds: [trust.cert.subject.keyId] }, nodeEd25519);
    const stored = await storePulledTrust(
      dataDir,
      [
        { id: 'cert', kind: 'certificate', document: trust.cert, deleted: false },
        { id: 'rl', kind: 'revocations', document: real, deleted: false },
        { id: 'rl', kind: 'revocations', document: real, deleted: true }, // un-revoking is ignored
      ],
      await loadTrust(dataDir),
    );
    expect(stored.stored).toEqual(['rl']);
    expect(stored.refused.map((x) => [x.id, x.problems[0]?.code])).toEqual([['cert', 'pack.key-revoked']]);
    expect((await loadTrust(dataDir)).revocations).toHaveLength(1);
    const err = await new PackLibrary({ dataDir, diskFree: async () => ({ totalBytes: 1e12, freeBytes: 1e12 }) }).import(pack.path).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TeachPointError);
    expect((err as TeachPointError).code).toBe('import.revoked');
    expect(existsSync(join(dataDir, 'packs.json'))).toBe(false);
  });
});
