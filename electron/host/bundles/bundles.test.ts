/**
 * USB bundles, device side, against a real cloud service on PGlite: the host writes a progress
 * bundle to a temp "stick" (atomic; a failing stick leaves no bundle), the cloud ingests it once;
 * the cloud's inbound bundle imports on the device (packs through the importer, records + acks
 * handed back), twice changes nothing, and a one-byte change or another school's bundle is refused
 * with the library untouched.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../common/ids/uuidv7';
import { PackLibrary } from '../../../content-packs/device/pack-library';
import { enrolTestRoot, snapshotDir, testTrust, writeTestPack } from '../../../content-packs/import/test-helpers';
import { nodeStoreFs } from '../../../content-packs/store/fs-seam';
import { inboundBundleFileName, PROTOCOL_VERSION } from '../../../sync/protocol/index';
import { makeContext, type CloudContext } from '../../../sync/server/context';
import type { Db } from '../../../sync/server/db/db';
import { buildInboundBundle, ingestProgressBundle } from '../../../sync/server/services/bundles';
import { createEnrollmentFile } from '../../../sync/server/services/enrollment';
import { putStaffRecord } from '../../../sync/server/services/records';
import { createCounty, createSchool } from '../../../sync/server/services/schools';
import { freshDb } from '../../../sync/server/testing/harness';
import { writeSyncCredentials } from '../sync/credentials';
import { importInbound, scanInbound } from './inbound';
import { EXPORT_LOG_DAYS, ProgressExporter, readExportedBundles } from './progress-export';

const tmp = mkdtempSync(join(tmpdir(), 'tp-host-bundles-'));
let db: Db;
let ctx: CloudContext;
let schoolId: string;
let otherSchoolId: string;
let deviceId: string;
const dataDir = join(tmp, 'device');
const stick = join(tmp, 'stick');

beforeAll(async () => {
  db = await freshDb('pglite');
  ctx = makeContext(db, { publicUrl: 'http://cloud.example' });
  const county = await createCounty(db, null, '丁县');
  schoolId = (await createSchool(db, null, { countyId: county.id, name: '丁县/第一:教学点' })).id;
  otherSchoolId = (await createSchool(db, null, { countyId: county.id, name: '丁县第二教学点' })).id;
  const file = await createEnrollmentFile(ctx, null, schoolId, '教师机');
  deviceId = file.deviceId;
  await writeSyncCredentials(dataDir, { cloudUrl: file.cloudUrl, deviceId: file.deviceId, token: file.token, school: file.school, enrolledAt: file.issuedAt, via: 'file' });
  await enrolTestRoot(dataDir);
});
afterAll(async () => {
  await db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const learnerId = uuidv7();
function batch(n: number) {
  return {
    protocolVersion: PROTOCOL_VERSION,
    batchId: uuidv7(),
    events: Array.from({ length: n }, (_, i) => ({ id: uuidv7(), learnerId, classId: null, verb: 'answered', objectId: 'p/s/i', packId: 'p', createdAt: new Date(Date.UTC(2026, 3, 1, 8, 0, i)).toISOString(), result: { success: true } })),
    records: {},
  };
}

describe('progress bundle export (device → stick → cloud)', () => {
  it('writes a sealed .tpbundle atomically that the cloud ingests once, and remembers its outbox rows', async () => {
    const exporter = new ProgressExporter(dataDir, { appVersion: '0.1.0' });
    const { exportId, fileName } = await exporter.begin(stick, 3, 30);
    expect(fileName).toMatch(/^TeachPoint-进度-丁县_第一_教学点-\d{8}-\d{6}\.tpbundle$/);
    await exporter.append(exportId, [batch(10), batch(10)]);
    // Nothing named .tpbundle exists until the file is sealed and renamed.
    expect(readdirSync(join(stick, 'TeachPoint')).filter((n) => n.endsWith('.tpbundle'))).toEqual([]);
    await exporter.append(exportId, [batch(10)]);
    const written = await exporter.finish(exportId, ['o1', 'o2', 'o3']);
    expect(written).toMatchObject({ fileName, batches: 3, items: 30 });
    expect(readdirSync(join(stick, 'TeachPoint'))).toEqual([fileName]);
    expect((await readExportedBundles(dataDir))[written.bundleId]).toMatchObject({ outboxIds: ['o1', 'o2', 'o3'] });

    const bytes = readFileSync(written.path);
    expect(await ingestProgressBundle(ctx, null, bytes)).toMatchObject({ bundleId: written.bundleId, deviceId, stored: 30, duplicates: 0 });
    expect(await ingestProgressBundle(ctx, null, bytes)).toMatchObject({ stored: 0, duplicates: 30, seenBefore: true });
  });

  it('leaves no bundle on a stick that fails mid-write (pulled out), and refuses extra batches', async () => {
    const yanked = join(tmp, 'yanked');
    let writes = 0;
    const failing = { ...nodeStoreFs, write: async (...args: Parameters<typeof nodeStoreFs.write>) => (++writes > 1 ? Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) : nodeStoreFs.write(...args)) };
    const exporter = new ProgressExporter(dataDir, { fs: failing });
    const { exportId } = await exporter.begin(yanked, 2, 20);
    await expect(exporter.append(exportId, [batch(10)])).rejects.toMatchObject({ code: 'bundles.write-failed' });
    expect(readdirSync(join(yanked, 'TeachPoint'))).toEqual([]);
    await expect(exporter.finish(exportId, [])).rejects.toMatchObject({ code: 'bundles.export-not-found' });

    const ok = new ProgressExporter(dataDir);
    const second = await ok.begin(yanked, 1, 1);
    await expect(ok.append(second.exportId, [batch(1), batch(1)])).rejects.toMatchObject({ code: 'bundles.bad-export' });
    expect(readdirSync(join(yanked, 'TeachPoint'))).toEqual([]);
  });

  it('refuses to export when the computer is not enrolled', async () => {
    await expect(new ProgressExporter(join(tmp, 'not-enrolled')).begin(stick, 1, 1)).rejects.toMatchObject({ code: 'bundles.not-enrolled' });
  });
});

describe('inbound bundle (county → stick → device)', () => {
  const county = join(tmp, 'county-stick');
  let inboundPath: string;
  let library: PackLibrary;

  beforeAll(async () => {
    library = new PackLibrary({ dataDir });
    const trust = await testTrust();
    const pack = await writeTestPack(join(county, 'TeachPoint'), { id: 'cn.test.inbound', blobs: [{ seed: 'in1', size: 4096 }, { seed: 'in2', size: 1024 }] });
    await putStaffRecord(ctx, null, schoolId, 'classes', uuidv7(), { name: '一二年级复式班', grade: '一、二年级' });
    const { readPackIdentity } = await import('../../../content-packs/node/pack-identity');
    const { bytes, body } = await buildInboundBundle(ctx, null, { schoolId, key: trust.county.privateKeyFile, certificate: trust.cert, packs: [await readPackIdentity(pack.path)] });
    inboundPath = join(county, 'TeachPoint', inboundBundleFileName(body.school.name, new Date(body.createdAt)));
    writeFileSync(inboundPath, bytes);
  });

  it('is found on the stick and verified before import', async () => {
    const found = await scanInbound(county, { dataDir, library });
    expect(found).toEqual([expect.objectContaining({ status: 'ok', packs: 1, records: 1, error: null })]);
  });

  it('installs the packs, hands back records and acks; importing it again changes nothing', async () => {
    const first = await importInbound(inboundPath, { dataDir, library });
    expect(first.packs).toEqual([expect.objectContaining({ id: 'cn.test.inbound', version: 1, alreadyInstalled: false })]);
    expect(first.changes.classes).toEqual([expect.objectContaining({ name: '一二年级复式班', origin: 'cloud' })]);
    expect(first.cursor).toMatch(/^\d+$/);
    expect(first.cloudUrl).toBe('http://cloud.example');
    // The progress bundle exported above was ingested: its outbox rows are acknowledged.
    expect(first.ackedOutboxIds).toEqual(['o1', 'o2', 'o3']);
    const before = snapshotDir(dataDir);
    const again = await importInbound(inboundPath, { dataDir, library });
    expect(again.packs).toEqual([expect.objectContaining({ alreadyInstalled: true, blobsCopied: 0 })]);
    expect(again.changes).toEqual(first.changes);
    expect(snapshotDir(dataDir)).toEqual(before);
  });

  it('refuses a bundle with one byte changed, or for another school, with nothing changed', async () => {
    const before = snapshotDir(dataDir);
    const bytes = Buffer.from(readFileSync(inboundPath));
    const at = bytes.indexOf('"createdAt":"20') + '"createdAt":"20'.length;
    bytes[at] = bytes[at] === 0x32 ? 0x33 : 0x32;
    const tampered = join(county, 'TeachPoint', 'tampered.tpinbound');
    writeFileSync(tampered, bytes);
    const err = await importInbound(tampered, { dataDir, library }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bundles.bad-signature' });
    expect((err as { localized: { zh: string } }).localized.zh).toMatch(/没有导入任何内容/);
    expect((await scanInbound(county, { dataDir, library })).find((f) => f.fileName === 'tampered.tpinbound')).toMatchObject({ status: 'invalid' });
    rmSync(tampered);

    const trust = await testTrust();
    const other = await buildInboundBundle(ctx, null, { schoolId: otherSchoolId, key: trust.county.privateKeyFile, certificate: trust.cert });
    const otherPath = join(county, 'TeachPoint', 'other.tpinbound');
    writeFileSync(otherPath, other.bytes);
    await expect(importInbound(otherPath, { dataDir, library })).rejects.toMatchObject({ code: 'bundles.wrong-school' });
    rmSync(otherPath);
    expect(snapshotDir(dataDir)).toEqual(before);
  });

  it('refuses before installing anything when a named pack was replaced', async () => {
    const dir = join(tmp, 'swapped', 'TeachPoint');
    const trust = await testTrust();
    const real = await writeTestPack(dir, { id: 'cn.test.swap', version: 1, blobs: [{ seed: 'sw1', size: 512 }] });
    const { readPackIdentity } = await import('../../../content-packs/node/pack-identity');
    const identity = await readPackIdentity(real.path);
    const { bytes } = await buildInboundBundle(ctx, null, { schoolId, key: trust.county.privateKeyFile, certificate: trust.cert, packs: [identity] });
    writeFileSync(join(dir, 'x.tpinbound'), bytes);
    // Same id and version, other content (so another manifest): signed by the county too, but not the one the bundle names.
    await writeTestPack(dir, { id: 'cn.test.swap', version: 1, blobs: [{ seed: 'sw2', size: 512 }] });
    const before = snapshotDir(dataDir);
    await expect(importInbound(join(dir, 'x.tpinbound'), { dataDir, library })).rejects.toMatchObject({ code: 'bundles.pack-mismatch' });
    expect(snapshotDir(dataDir)).toEqual(before);
    expect(existsSync(join(dir, 'cn.test.swap-v1.tpk'))).toBe(true);
  });

  it('forgets exports older than the log keeps (their rows travel again in newer bundles)', async () => {
    const before = Object.keys(await readExportedBundles(dataDir));
    expect(before.length).toBeGreaterThan(0);
    const later = new ProgressExporter(dataDir, { now: () => new Date(Date.now() + (EXPORT_LOG_DAYS + 1) * 86_400_000) });
    const { exportId } = await later.begin(join(tmp, 'later-stick'), 1, 1);
    await later.append(exportId, [batch(1)]);
    const written = await later.finish(exportId, ['o9']);
    expect(Object.keys(await readExportedBundles(dataDir))).toEqual([written.bundleId]);
  });
});
