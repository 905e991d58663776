/**
 * USB bundles on the cloud side (docs/bundles.md):
 * - `ingestProgressBundle`: verify EVERYTHING first (shape of every batch, the device, the county
 *   scope, the HMAC, revocation, item limits), then hand each batch to `ingestPush` — the same
 *   idempotent path as `POST /api/v1/push` — so a bundle imported twice stores nothing the second
 *   time and a tampered one stores nothing at all.
 * - `buildInboundBundle`: one school's records (a pull from the beginning), the acks of its
 *   ingested progress bundles and its released packs, signed with a county publisher key.
 */
import { createWriteStream, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TeachPointError } from '../../../common/errors/errors';
import { manifestBlobs, type PackManifest } from '../../../content-packs/format/manifest';
import { exportFileName, isText } from '../../../content-packs/import/export-packs';
import { writePack } from '../../../content-packs/node/pack-writer';
import { fromHex } from '../../../content-packs/format/encoding';
import type { PrivateKeyFile, Certificate } from '../../../content-packs/format/trust';
import {
  INBOUND_BUNDLE_FORMAT,
  encodeInboundBundle,
  parseProgressBundle,
  progressBundleMacOk,
  type BundleIngestSummary,
  type InboundBundleBody,
  type InboundPack,
} from '../../protocol/bundle';
import { PROTOCOL_VERSION } from '../../protocol/version';
import type { StaffAuth } from '../auth/auth';
import type { CloudContext } from '../context';
import type { BlobStorage } from '../packs/storage/blob-storage';
import { LocalDiskBlobStorage } from '../packs/storage/local-disk';
import { tooLarge } from '../body';
import { httpError } from '../errors';
import { newId } from '../ids';
import { pullPage } from './pull';
import { ingestPush } from './push';
import { schoolInScope } from './schools';

/** Who ingests: a staff member (route, scoped to their county) or the CLI (`null`, province-wide). */
export async function ingestProgressBundle(ctx: CloudContext, staff: StaffAuth | null, bytes: Uint8Array): Promise<BundleIngestSummary> {
  const bundle = parseProgressBundle(bytes);
  const { header } = bundle;
  const r = await ctx.db.query<{ id: string; school_id: string; county_id: string; token_hash: string; revoked_at: unknown }>(
    'SELECT d.id, d.school_id, s.county_id, d.token_hash, d.revoked_at FROM devices d JOIN schools s ON s.id = d.school_id WHERE d.id = $1',
    [header.deviceId],
  );
  const device = r.rows[0];
  // Another county's device is "not found", like every other id out of scope.
  if (!device || (staff?.countyId && device.county_id !== staff.countyId)) {
    throw httpError(
      'not-found',
      {
        zh: '这个进度包来自一台本县云端不认识的电脑（未登记或属于别的县）。请确认U盘来自本县的教学点。',
        en: 'This progress bundle comes from a computer this cloud does not know in your county (not enrolled, or another county’s). Check that the stick comes from one of your schools.',
      },
      { deviceId: header.deviceId },
    );
  }
  if (!progressBundleMacOk(bundle, fromHex(device.token_hash)!)) {
    throw new TeachPointError(
      'bundle.bad-mac',
      {
        zh: '进度包校验失败：文件被改动或损坏，或不是这台电脑导出的。没有导入任何数据。请在学校电脑上重新导出进度包。',
        en: 'The progress bundle failed its check: it was altered or damaged, or that computer did not make it. Nothing was imported. Export the bundle again on the school computer.',
      },
      { deviceId: header.deviceId, bundleId: header.bundleId },
    );
  }
  if (device.revoked_at) {
    throw httpError(
      'auth.device-revoked',
      {
        zh: '这台电脑的登记已被停用，它导出的进度包不再接收。请先给这所学校的电脑重新登记，再导出新的进度包。',
        en: 'This computer’s enrollment was revoked, so its progress bundles are no longer accepted. Enroll the school’s computer again, then export a new bundle.',
      },
      { deviceId: header.deviceId },
    );
  }
  if (header.school.id !== device.school_id) {
    throw httpError('protocol.bad-request', { zh: '进度包里的学校与这台电脑登记的学校不一致，没有导入。', en: 'The bundle names a different school than the computer is enrolled in; nothing was imported.' });
  }
  for (const batch of bundle.batches) {
    const items = batch.events.length + (batch.records.classes?.length ?? 0) + (batch.records.learners?.length ?? 0) + (batch.records.assignments?.length ?? 0);
    if (items > ctx.limits.pushMaxItems) throw tooLarge(ctx.limits.pushMaxItems, 'items');
  }

  const seen = await ctx.db.query('SELECT 1 FROM bundle_ingests WHERE bundle_id = $1 AND device_id = $2', [header.bundleId, device.id]);
  const seenBefore = seen.rows.length > 0;
  const scope = { deviceId: device.id, schoolId: device.school_id };
  let stored = 0;
  let duplicates = 0;
  let rejected = 0;
  for (const batch of bundle.batches) {
    // No pull probe (there is no answer to carry it), and a replay's status is old news.
    const ack = await ingestPush(ctx, scope, { ...batch, cursor: undefined, status: seenBefore ? undefined : batch.status });
    stored += ack.stored;
    duplicates += ack.duplicates;
    rejected += ack.rejected.length;
  }
  const now = ctx.clock();
  await ctx.db.query(
    `INSERT INTO bundle_ingests (bundle_id, device_id, school_id, bundle_created_at, first_ingested_at, last_ingested_at, ingested_by, batches, stored, duplicates, rejected)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (bundle_id) DO UPDATE SET last_ingested_at = EXCLUDED.last_ingested_at, ingest_count = bundle_ingests.ingest_count + 1`,
    [header.bundleId, device.id, device.school_id, header.createdAt, now, staff ? `staff:${staff.username}` : 'cli', bundle.batches.length, stored, duplicates, rejected],
  );
  return { bundleId: header.bundleId, deviceId: device.id, schoolId: device.school_id, batches: bundle.batches.length, stored, duplicates, rejected, seenBefore };
}

export interface InboundBundleOptions {
  schoolId: string;
  key: PrivateKeyFile;
  certificate: Certificate;
  /** Packs to travel with the records (already signed by their publishers). */
  packs?: readonly InboundPack[];
}

/** The signed `.tpinbound` bytes for one school (records + acks + the named packs). */
export async function buildInboundBundle(ctx: CloudContext, staff: StaffAuth | null, options: InboundBundleOptions): Promise<{ bytes: Uint8Array; body: InboundBundleBody }> {
  const school = await schoolInScope(ctx.db, staff, options.schoolId);
  if (options.certificate.subject.keyId !== options.key.keyId) {
    throw httpError('protocol.bad-request', {
      zh: '证书与私钥不匹配：请使用同一个县级发布者密钥的 .key 和 .cert 文件。',
      en: 'The certificate does not belong to this private key: use the .key and .cert of the same county publisher key.',
    });
  }
  // Every change for the school, as a device that has never pulled would get it (no own-device filter).
  const changes: Record<string, unknown[]> = {};
  let cursor: string | null = null;
  for (;;) {
    const page = await pullPage(ctx, { deviceId: '', schoolId: school.id }, cursor, ctx.limits.pullMaxLimit);
    for (const [kind, items] of Object.entries(page.changes)) (changes[kind] ??= []).push(...(items as unknown[]));
    cursor = page.cursor;
    if (!page.more) break;
  }
  const acks = await ctx.db.query<{ device_id: string; bundle_ids: string[] }>(
    'SELECT device_id, array_agg(bundle_id ORDER BY bundle_id) AS bundle_ids FROM bundle_ingests WHERE school_id = $1 GROUP BY device_id ORDER BY device_id',
    [school.id],
  );
  const now = ctx.clock();
  const body: InboundBundleBody = {
    format: INBOUND_BUNDLE_FORMAT,
    bundleId: newId(),
    school: { id: school.id, name: school.name, countyId: school.countyId, countyName: school.countyName },
    createdAt: now.toISOString(),
    cloudUrl: ctx.publicUrl,
    pull: { protocolVersion: PROTOCOL_VERSION, changes, cursor, more: false, serverTime: now.toISOString() },
    packs: [...(options.packs ?? [])],
    acks: acks.rows.map((a) => ({ deviceId: a.device_id, bundleIds: a.bundle_ids })),
    certificate: options.certificate,
  };
  return { bytes: await encodeInboundBundle(body, options.key), body };
}

/**
 * The packs released to a school (newest version of each, withdrawn ones left out), rebuilt as
 * `.tpk` files in `dir` from the stored manifest, signature and blobs — byte-identical pack
 * contents, so the device verifies them exactly like the county's original file. Written to a temp
 * name, hash-checked while written, then renamed. Blobs in S3 are spooled through `dir` first.
 */
export async function writeReleasedPacks(ctx: CloudContext, blobs: BlobStorage, schoolId: string, dir: string, skipPackIds: ReadonlySet<string> = new Set()): Promise<InboundPack[]> {
  const r = await ctx.db.query<{ pack_id: string; version: number; manifest: Uint8Array; signature: Uint8Array; manifest_sha256: string }>(
    `SELECT DISTINCT ON (r.pack_id) r.pack_id, r.version, v.manifest, v.signature, v.manifest_sha256
       FROM pack_releases r JOIN pack_versions v ON v.pack_id = r.pack_id AND v.version = r.version
      WHERE r.school_id = $1 AND NOT r.deleted
      ORDER BY r.pack_id, r.version DESC`,
    [schoolId],
  );
  const out: InboundPack[] = [];
  const spool = join(dir, `.teachpoint-spool-${process.pid}`);
  try {
    for (const row of r.rows.filter((x) => !skipPackIds.has(x.pack_id))) {
      const manifestBytes = new Uint8Array(row.manifest);
      const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as PackManifest;
      const sources = [];
      for (const b of manifestBlobs(manifest)) {
        let source: string;
        if (blobs instanceof LocalDiskBlobStorage) source = blobs.pathOf(b.sha256);
        else {
          await fsp.mkdir(spool, { recursive: true });
          source = join(spool, b.sha256);
          await pipeline(await blobs.read(b.sha256), createWriteStream(source));
        }
        sources.push({ sha256: b.sha256, size: b.size, source, compress: isText(b.mime) });
      }
      const file = exportFileName({ id: row.pack_id, version: Number(row.version) });
      const target = join(dir, file);
      const temp = `${target}.${process.pid}.tmp`;
      const written = await writePack({ out: temp, manifestBytes, signatureBytes: new Uint8Array(row.signature), blobs: sources });
      await fsp.rename(temp, target);
      out.push({ file, packId: row.pack_id, version: Number(row.version), manifestSha256: row.manifest_sha256, bytes: written.size });
      await fsp.rm(spool, { recursive: true, force: true });
    }
  } finally {
    await fsp.rm(spool, { recursive: true, force: true });
  }
  return out;
}
