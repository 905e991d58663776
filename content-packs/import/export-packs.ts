import * as fs from 'node:fs';
import { join } from 'node:path';
import type { ExportedPack } from '../../common/bridge/methods/packs';
import { TeachPointError } from '../../common/errors/errors';
import { MANIFEST_ENTRY, SIGNATURE_ENTRY } from '../format/manifest';
import { writePack } from '../node/pack-writer';
import { verifyPackFile } from '../node/verify';
import type { ContentStore } from '../store/content-store';
import { diskFree, type DiskSpace } from '../store/disk-space';
import type { InstalledPackRecord, PackIndex } from '../store/pack-index';
import { importError } from './errors';
import { importErrorFromProblems, type TrustInput } from './open-verified';

export interface ExportOptions extends TrustInput {
  store: ContentStore;
  index: PackIndex;
  signal?: AbortSignal;
  diskFree?: (path: string) => Promise<DiskSpace>;
  onProgress?: (p: { id: string; bytesDone: number; bytesTotal: number }) => void;
}

/** Room for zip headers (local + central, ~140 B per entry with ZIP64 extras) on top of the data. */
function estimateSize(rec: InstalledPackRecord, metaBytes: number): number {
  const distinct = new Map(rec.blobs.map((b) => [b.sha256, b.size]));
  let n = metaBytes + 4096;
  for (const size of distinct.values()) n += size + 200;
  return n;
}

export function exportFileName(rec: { id: string; version: number }): string {
  return `${rec.id}-v${rec.version}.tpk`;
}

/**
 * Write installed packs as `.tpk` files into `toDir` (e.g. a stick's TeachPoint/ folder): the
 * stored manifest.json + manifest.sig verbatim (the signature stays valid) and the blobs from the
 * store. Free space is checked for all packs first; each file is written to `.partial`, fsynced
 * and renamed by the format library's writer, then fully re-verified (signature, chain, every
 * blob hash) from the target; a file that fails is deleted.
 */
export async function exportPacks(ids: readonly string[], toDir: string, options: ExportOptions): Promise<{ files: ExportedPack[]; freeBytesBefore: number | null }> {
  const idx = await options.index.read();
  const records: Array<{ rec: InstalledPackRecord; manifestBytes: Buffer; signatureBytes: Buffer }> = [];
  for (const id of ids) {
    const rec = idx.packs.find((p) => p.id === id);
    if (!rec) throw importError('packs.not-installed', { id });
    const metaDir = join(options.store.dataDir, rec.metaDir);
    const manifestBytes = await fs.promises.readFile(join(metaDir, MANIFEST_ENTRY));
    const signatureBytes = await fs.promises.readFile(join(metaDir, SIGNATURE_ENTRY));
    for (const b of rec.blobs) {
      if (!(await options.store.has(b.sha256, b.size))) throw importError('export.missing-blob', { id, sha256: b.sha256 });
    }
    records.push({ rec, manifestBytes, signatureBytes });
  }
  try {
    await fs.promises.mkdir(toDir, { recursive: true });
  } catch (err) {
    throw importError('export.write-failed', { toDir, errno: (err as NodeJS.ErrnoException).code ?? null });
  }
  const needed = records.reduce((n, r) => n + estimateSize(r.rec, r.manifestBytes.length + r.signatureBytes.length), 0);
  const space = await (options.diskFree ?? diskFree)(toDir).catch(() => null);
  if (space && space.freeBytes < needed) throw importError('export.disk-full', { neededBytes: needed, freeBytes: space.freeBytes, toDir });

  const files: ExportedPack[] = [];
  for (const { rec, manifestBytes, signatureBytes } of records) {
    const out = join(toDir, exportFileName(rec));
    const distinct = [...new Map(rec.blobs.map((b) => [b.sha256, b])).values()];
    let result;
    try {
      result = await writePack({
        out,
        manifestBytes,
        signatureBytes,
        blobs: distinct.map((b) => ({ sha256: b.sha256, size: b.size, source: options.store.blobPath(b.sha256), compress: isText(b.mime) })),
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => options.onProgress?.({ id: rec.id, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') throw importError('export.disk-full', { toDir, errno: code });
      if (err instanceof TeachPointError && err.code === 'pack.write-aborted') throw importError('import.cancelled');
      throw importError('export.write-failed', { toDir, errno: code ?? null, message: err instanceof Error ? err.message : String(err) });
    }
    const check = await verifyPackFile(out, {
      trustedRoots: options.trustedRoots,
      revocations: options.revocations ?? [],
      ...(options.now ? { now: options.now } : {}),
    });
    if (!check.ok) {
      await fs.promises.rm(out, { force: true });
      const e = importErrorFromProblems(check.problems, out);
      throw importError('export.verify-failed', { path: out, cause: e.code, problems: e.details?.['problems'] });
    }
    files.push({ id: rec.id, version: rec.version, path: out, bytes: result.size });
  }
  return { files, freeBytesBefore: space?.freeBytes ?? null };
}

/** DEFLATE text the way tpk build does (VTT, HTML, JSON, CSS, JS, SVG); media stays STORE. */
export function isText(mime: string): boolean {
  const m = mime.toLowerCase();
  return m.startsWith('text/') || m.includes('json') || m.includes('javascript') || m.includes('xml') || m.includes('svg');
}
