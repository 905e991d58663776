/**
 * The bundle formats on their own: a progress bundle round-trips and every single-byte change
 * anywhere in it is refused (shape, incomplete or MAC); an inbound bundle verifies against its root
 * and not against another root, and every single-byte change in its body is refused.
 */
import { describe, expect, it } from 'vitest';
import { isTeachPointError } from '../../common/errors/errors';
import { makeTestTrust } from '../../content-packs/format/testing';
import {
  INBOUND_BUNDLE_FORMAT,
  PROGRESS_BUNDLE_FORMAT,
  encodeInboundBundle,
  encodeProgressBundle,
  parseInboundBundle,
  parseProgressBundle,
  progressBundleKey,
  progressBundleMacOk,
  verifyInboundBundle,
} from './bundle';

const token = 'tpd_' + 'A'.repeat(43);
const key = progressBundleKey(token);
const batch = {
  protocolVersion: 1,
  batchId: 'b1',
  events: [{ id: '0193a0b0-0000-7000-8000-000000000001', learnerId: 'l1', classId: null, verb: 'answered', objectId: 'p/s/i', packId: 'p', createdAt: '2026-04-01T08:00:00Z', result: { success: true } }],
  records: {},
};
const header = { format: PROGRESS_BUNDLE_FORMAT, bundleId: 'bundle-1', deviceId: 'dev-1', school: { id: 's1', name: '第一教学点' }, createdAt: '2026-04-01T08:00:00Z', batches: 2, items: 2 } as const;

/** True when the file is refused: unparseable (a bilingual bundle.* error) or its MAC fails. */
function refused(bytes: Uint8Array): boolean {
  try {
    return !progressBundleMacOk(parseProgressBundle(bytes), key);
  } catch (err) {
    if (!isTeachPointError(err) || !err.code.startsWith('bundle.')) throw err;
    expect(err.localized.zh.length).toBeGreaterThan(0);
    return true;
  }
}

describe('progress bundle', () => {
  const bytes = encodeProgressBundle(header, [batch, { ...batch, batchId: 'b2' }], key);

  it('round-trips and checks with the device key only', () => {
    const parsed = parseProgressBundle(bytes);
    expect(parsed.header).toMatchObject({ bundleId: 'bundle-1', batches: 2 });
    expect(parsed.batches.map((b) => b.batchId)).toEqual(['b1', 'b2']);
    expect(progressBundleMacOk(parsed, key)).toBe(true);
    expect(progressBundleMacOk(parsed, progressBundleKey('tpd_' + 'B'.repeat(43)))).toBe(false);
  });

  it('refuses every single-byte change and every cut', () => {
    for (let i = 0; i < bytes.length; i++) {
      const copy = bytes.slice();
      copy[i] = copy[i]! ^ 0x01;
      expect(refused(copy), `byte ${i}`).toBe(true);
    }
    for (const cut of [1, 10, 40, bytes.length - 1]) expect(refused(bytes.subarray(0, bytes.length - cut)), `cut ${cut}`).toBe(true);
  });
});

describe('inbound bundle', () => {
  it('verifies against its root, not another, and refuses every single-byte change of its body', async () => {
    const trust = await makeTestTrust();
    const other = await makeTestTrust();
    const bytes = await encodeInboundBundle(
      {
        format: INBOUND_BUNDLE_FORMAT,
        bundleId: 'in-1',
        school: { id: 's1', name: '第一教学点', countyId: 'c1', countyName: '某县' },
        createdAt: '2026-04-02T08:00:00Z',
        cloudUrl: 'http://cloud.example',
        pull: { protocolVersion: 1, changes: {}, cursor: '42', more: false, serverTime: '2026-04-02T08:00:00Z' },
        packs: [],
        acks: [{ deviceId: 'dev-1', bundleIds: ['bundle-1'] }],
        certificate: trust.cert,
      },
      trust.county.privateKeyFile,
    );
    const now = new Date('2026-05-01T00:00:00Z');
    const roots = [trust.root.publicKeyFile];
    expect(await verifyInboundBundle(parseInboundBundle(bytes), { trustedRoots: roots, now })).toEqual([]);
    expect((await verifyInboundBundle(parseInboundBundle(bytes), { trustedRoots: [other.root.publicKeyFile], now })).map((p) => p.code)).toContain('pack.unknown-key');
    const bodyEnd = bytes.indexOf(0x0a);
    for (let i = 0; i < bodyEnd; i += 7) {
      const copy = bytes.slice();
      copy[i] = copy[i]! ^ 0x01;
      let ok = false;
      try {
        ok = (await verifyInboundBundle(parseInboundBundle(copy), { trustedRoots: roots, now })).length === 0;
      } catch (err) {
        if (!isTeachPointError(err)) throw err;
      }
      expect(ok, `byte ${i}`).toBe(false);
    }
  });
});
