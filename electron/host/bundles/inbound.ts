/**
 * Inbound bundles on the device (docs/bundles.md §3): a `.tpinbound` file made by county staff,
 * next to the `.tpk` packs it names, in a stick's TeachPoint/ folder. Import order:
 *   1. verify the file: Ed25519 signature over the exact body bytes, county certificate → a
 *      trusted province root (the same roots and revocation lists as pack imports);
 *   2. check it is for this computer's school, and that every named pack file is there with the
 *      exact manifest the bundle names — all before anything is installed;
 *   3. install the packs one by one through the importer (each atomic, skipped when the same or a
 *      newer version is installed);
 *   4. hand the records page and the acknowledged outbox ids to the renderer, which applies them
 *      with `SyncStore.applyPull` / `ackOutbox` — the same path as an online pull and push ack.
 * Importing it again installs nothing and re-applies the same records (LWW: no change).
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { FoundInboundBundle, InboundImportResult } from '../../../common/bridge/methods/bundles';
import type { ImportResult } from '../../../common/bridge/methods/packs';
import { TeachPointError, isTeachPointError } from '../../../common/errors/errors';
import type { PackLibrary } from '../../../content-packs/device/pack-library';
import { findStickFiles } from '../../../content-packs/drives/scanner';
import { loadTrust } from '../../../content-packs/import/open-verified';
import { nodeEd25519 } from '../../../content-packs/node/ed25519-node';
import { readPackIdentity } from '../../../content-packs/node/pack-identity';
import { BUNDLE_MAX_BYTES, parseInboundBundle, verifyInboundBundle, type ParsedInboundBundle } from '../../../sync/protocol/bundle';
import { readSyncCredentials } from '../sync/credentials';
import { notEnrolled, readExportedBundles } from './progress-export';

export interface InboundOptions {
  dataDir: string;
  library: PackLibrary;
  /** The session's extra trusted roots (same as the pack library's). */
  trustedRootFiles?: readonly string[];
  now?: () => Date;
}

async function readBundleFile(file: string): Promise<Uint8Array> {
  const st = await fsp.stat(file).catch(() => null);
  if (!st?.isFile()) {
    throw new TeachPointError('bundles.not-found', { zh: '找不到这个下发包文件，U盘可能已被拔出。请插好后再试。', en: 'The inbound bundle file is not there; the stick may have been removed. Reinsert it and try again.' }, { path: file });
  }
  if (st.size > BUNDLE_MAX_BYTES) {
    throw new TeachPointError('bundle.malformed', { zh: '这个文件太大，不是应用生成的下发包。', en: 'This file is too large to be an inbound bundle the cloud made.' }, { path: file, bytes: st.size });
  }
  return fsp.readFile(file);
}

/** Parsed and authentic, or a bilingual `bundles.*` error saying why not. */
async function openVerified(file: string, options: InboundOptions): Promise<ParsedInboundBundle> {
  const bundle = parseInboundBundle(await readBundleFile(file));
  const trust = await loadTrust(options.dataDir, options.trustedRootFiles ?? []);
  const problems = await verifyInboundBundle(bundle, { ...trust, now: options.now?.() ?? new Date(), ed25519: nodeEd25519 });
  if (problems.length > 0) {
    const revoked = problems.some((p) => p.code === 'pack.key-revoked');
    const badSignature = problems.some((p) => p.code === 'pack.bad-signature');
    throw new TeachPointError(
      revoked ? 'bundles.revoked' : badSignature ? 'bundles.bad-signature' : 'bundles.untrusted',
      badSignature
        ? { zh: '下发包校验失败：文件被改动或损坏。没有导入任何内容。请县电教馆重新生成下发包。', en: 'The inbound bundle failed its check: it was altered or damaged. Nothing was imported. Ask county staff for a new one.' }
        : { zh: `下发包的签发者不受信任：${problems[0]!.message.zh}`, en: `The inbound bundle’s signer is not trusted: ${problems[0]!.message.en}` },
      { path: file, problems: problems.map((p) => ({ ...p })) },
    );
  }
  return bundle;
}

async function schoolCheck(bundle: ParsedInboundBundle, dataDir: string): Promise<{ deviceId: string; cloudUrl: string }> {
  const credentials = await readSyncCredentials(dataDir);
  if (!credentials) throw notEnrolled();
  if (credentials.school.id !== bundle.body.school.id) {
    throw new TeachPointError(
      'bundles.wrong-school',
      {
        zh: `这个下发包是给“${bundle.body.school.name}”的，这台电脑登记在“${credentials.school.name}”。没有导入任何内容；请向县电教馆要本校的下发包。`,
        en: `This inbound bundle is for "${bundle.body.school.name}", but this computer is enrolled at "${credentials.school.name}". Nothing was imported; ask county staff for your school's bundle.`,
      },
      { bundleSchoolId: bundle.body.school.id, schoolId: credentials.school.id },
    );
  }
  return { deviceId: credentials.deviceId, cloudUrl: credentials.cloudUrl };
}

/** `.tpinbound` files on a stick, each read and verified (not imported). */
export async function scanInbound(dir: string, options: InboundOptions): Promise<FoundInboundBundle[]> {
  const out: FoundInboundBundle[] = [];
  for (const file of await findStickFiles(dir, /\.tpinbound$/i)) {
    const base = { path: file, fileName: path.basename(file) };
    try {
      const bundle = await openVerified(file, options);
      const records = Object.values(bundle.body.pull.changes).reduce((n, list) => n + (list?.length ?? 0), 0);
      const found = { ...base, bundleId: bundle.body.bundleId, schoolName: bundle.body.school.name, createdAt: bundle.body.createdAt, packs: bundle.body.packs.length, records };
      try {
        await schoolCheck(bundle, options.dataDir);
        out.push({ ...found, status: 'ok', error: null });
      } catch (err) {
        if (!isTeachPointError(err)) throw err;
        out.push({ ...found, status: err.code === 'bundles.wrong-school' ? 'wrong-school' : 'not-enrolled', error: { code: err.code, message: err.localized } });
      }
    } catch (err) {
      if (!isTeachPointError(err)) throw err;
      out.push({ ...base, bundleId: null, schoolName: null, createdAt: null, packs: 0, records: 0, status: 'invalid', error: { code: err.code, message: err.localized } });
    }
  }
  return out;
}

export async function importInbound(file: string, options: InboundOptions): Promise<InboundImportResult> {
  const bundle = await openVerified(file, options);
  const { deviceId, cloudUrl } = await schoolCheck(bundle, options.dataDir);
  const dir = path.dirname(file);
  // Every pack present and exactly the one the signed bundle names, before anything is installed.
  const packPaths: string[] = [];
  for (const p of bundle.body.packs) {
    const packPath = path.join(dir, p.file);
    let identity;
    try {
      identity = await readPackIdentity(packPath);
    } catch (err) {
      if (isTeachPointError(err) || (err as NodeJS.ErrnoException).code === 'ENOENT') identity = null;
      else throw err;
    }
    if (!identity || identity.packId !== p.packId || identity.version !== p.version || identity.manifestSha256 !== p.manifestSha256) {
      throw new TeachPointError(
        'bundles.pack-mismatch',
        {
          zh: `下发包里的资源包 ${p.file} 缺失、损坏或被替换过。没有导入任何内容；请把县电教馆给的整个 TeachPoint 文件夹重新复制到U盘。`,
          en: `The pack ${p.file} named by the inbound bundle is missing, damaged or was replaced. Nothing was imported; copy the whole TeachPoint folder from county staff to the stick again.`,
        },
        { file: p.file, packId: p.packId, version: p.version },
      );
    }
    packPaths.push(packPath);
  }
  const packs: ImportResult[] = [];
  for (const [i, p] of bundle.body.packs.entries()) {
    const installed = await options.library.installed(p.packId);
    if (installed && installed.version > p.version) continue; // a newer version came another way
    const [result] = await options.library.import(packPaths[i]!);
    if (result) packs.push(result);
  }
  const exported = await readExportedBundles(options.dataDir);
  const acked = bundle.body.acks.find((a) => a.deviceId === deviceId)?.bundleIds ?? [];
  const ackedOutboxIds = [...new Set(acked.flatMap((id) => exported[id]?.outboxIds ?? []))];
  return {
    bundleId: bundle.body.bundleId,
    // The sync engine keys its cursor by the cloud URL it was enrolled with.
    cloudUrl,
    changes: bundle.body.pull.changes,
    cursor: bundle.body.pull.cursor,
    packs,
    ackedOutboxIds,
  };
}
