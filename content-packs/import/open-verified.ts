import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { TeachPointError } from '../../common/errors/errors';
import { type PackManifest, forEachBlobRef, manifestBlobs, MANIFEST_ENTRY, SIGNATURE_ENTRY, type LessonNode } from '../format/manifest';
import { openPack, verifyPackContents } from '../format/pack-reader';
import { problemsFromError, type PackProblem } from '../format/problems';
import { parsePublicKeyFile, type PublicKeyFile } from '../format/trust';
import type { ZipEntry } from '../format/zip-reader';
import { fileSource, type FileSource } from '../node/file-source';
import { nodeEd25519 } from '../node/ed25519-node';
import { readEntryStream } from '../node/entry-stream';
import { nodeInflateRaw } from '../node/verify';
import type { PlannedBlob } from './blob-plan';
import { importError, type ImportErrorCode } from './errors';

export interface TrustInput {
  /** Trusted province root keys (the app's shipped roots + `<data>/trust/*.pub` + `--trust`). */
  trustedRoots: readonly PublicKeyFile[];
  /** Revocation lists (raw JSON; invalid ones are reported and ignored by the format library). */
  revocations?: readonly unknown[];
  /** Verification time (default now). */
  now?: Date;
}

/**
 * A pack whose container, manifest, signature and certificate chain passed; blobs not yet hashed,
 * and blob entries not yet located: call `locate(entry)` before reading a blob (it checks the
 * entry's local header against the central directory and sets `entry.dataOffset`).
 */
export interface VerifiedPack {
  path: string;
  fileSize: number;
  manifest: PackManifest;
  /** Distinct blobs with their zip entries and a lesson title for progress. */
  blobs: PlannedBlob[];
  /** Verbatim non-blob entries to keep next to the index: manifest.json, manifest.sig. */
  metaFiles: Array<[string, Uint8Array]>;
  /** Open fd of the .tpk for positional reads of STORE entries. */
  fd: number;
  /** Inflating stream of a DEFLATE entry's bytes (located entries only). */
  entryStream(entry: ZipEntry): Readable;
  /** Checks the entry's local header (once) and sets its dataOffset; a mismatch throws an `import.*` error. */
  locate(entry: ZipEntry): Promise<ZipEntry>;
  /** `locate` for many entries in one front-to-back pass. */
  locateAll(entries: readonly ZipEntry[]): Promise<void>;
  close(): Promise<void>;
}

/** Problem codes → the import code the UI branches on (first match in this order wins). */
const PROBLEM_TO_IMPORT: Array<[ImportErrorCode, readonly string[]]> = [
  ['import.truncated', ['pack.truncated']],
  ['import.revoked', ['pack.key-revoked']],
  ['import.bad-signature', ['pack.bad-signature', 'pack.key-mismatch', 'pack.signature-missing', 'pack.signature-malformed']],
  ['import.untrusted', ['pack.unknown-key', 'pack.bad-cert-signature', 'pack.cert-malformed', 'pack.cert-expired', 'pack.cert-not-yet-valid']],
  ['import.bad-manifest', ['pack.manifest-missing', 'pack.manifest-not-json', 'pack.manifest-too-large', 'pack.manifest-too-deep', 'pack.manifest-not-canonical', 'pack.schema-error', 'pack.duplicate-id', 'pack.broken-reference']],
  ['import.bad-blob', ['pack.blob-hash-mismatch', 'pack.blob-unreadable']],
];

export function importErrorFromProblems(problems: readonly PackProblem[], path: string): TeachPointError {
  const codes = new Set(problems.map((p) => p.code as string));
  const found = PROBLEM_TO_IMPORT.find(([, list]) => list.some((c) => codes.has(c)));
  return importError(found ? found[0] : 'import.bad-pack', { path, problems: problems.map((p) => ({ ...p })) });
}

/** Trusted roots from files (`.pub`), e.g. `<data>/trust/*.pub` and `--trust` arguments. */
export async function loadTrust(dataDir: string, extraRootFiles: readonly string[] = []): Promise<{ trustedRoots: PublicKeyFile[]; revocations: unknown[] }> {
  const dir = join(dataDir, 'trust');
  let names: string[] = [];
  try {
    names = (await fs.promises.readdir(dir)).sort();
  } catch {
    names = [];
  }
  const trustedRoots: PublicKeyFile[] = [];
  const revocations: unknown[] = [];
  for (const f of [...names.filter((n) => n.endsWith('.pub')).map((n) => join(dir, n)), ...extraRootFiles]) {
    trustedRoots.push(parsePublicKeyFile(await fs.promises.readFile(f), f));
  }
  for (const n of names.filter((x) => x.endsWith('.revocations') || x.endsWith('.rev.json'))) {
    try {
      revocations.push(JSON.parse(await fs.promises.readFile(join(dir, n), 'utf8')));
    } catch {
      revocations.push(null); // reported (and ignored) by the chain check as a bad revocation list
    }
  }
  return { trustedRoots, revocations };
}

/** zh-CN title of the lesson that uses each blob (else the resource title), for progress. */
function blobTitles(manifest: PackManifest): Map<string, string> {
  const resourceLesson = new Map<string, string>();
  const walk = (nodes: readonly LessonNode[]): void => {
    for (const n of nodes) {
      for (const r of (n as { resources?: string[] }).resources ?? []) if (!resourceLesson.has(r)) resourceLesson.set(r, n.title['zh-CN']);
      if (n.children) walk(n.children);
    }
  };
  walk(manifest.tree);
  const titles = new Map<string, string>();
  for (const r of manifest.resources) {
    const title = resourceLesson.get(r.id) ?? r.title['zh-CN'];
    const visit = (v: unknown): void => {
      if (!v || typeof v !== 'object') return;
      const o = v as Record<string, unknown>;
      if (typeof o['sha256'] === 'string' && !titles.has(o['sha256'])) titles.set(o['sha256'], title);
      for (const x of Object.values(o)) if (typeof x === 'object') visit(x);
    };
    visit(r);
  }
  forEachBlobRef(manifest, (b) => {
    if (!titles.has(b.sha256)) titles.set(b.sha256, manifest.title['zh-CN']);
  });
  return titles;
}

/**
 * Open a `.tpk` and check everything that can be checked without reading blob bytes: ZIP
 * structure (central directory; local headers of manifest.json and manifest.sig), manifest
 * (schema, canonical form, cross references), signature over the exact manifest bytes,
 * certificate chain to a trusted root (validity now, revocations), every referenced blob present
 * with the declared size, no unexpected entries. Throws an `import.*` TeachPointError carrying
 * every problem; nothing has been written when it does.
 *
 * Blob contents and blob local headers are NOT checked here (verification runs with
 * `blobs: 'presence-and-size'`): the importer locates each blob it copies right before copying it
 * and hashes it during the copy (verify-then-move), and locates the blobs the store already has
 * before the switch — so every check still happens before anything becomes visible, and the open
 * costs a few reads instead of one per entry.
 */
export async function openVerifiedPack(path: string, trust: TrustInput): Promise<VerifiedPack> {
  let source: FileSource;
  try {
    const st = await fs.promises.stat(path);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    source = await fileSource(path);
  } catch (err) {
    throw importError('import.not-found', { path, errno: (err as NodeJS.ErrnoException).code ?? null });
  }
  try {
    let opened;
    try {
      opened = await openPack(source, { inflateRaw: nodeInflateRaw, localHeaders: 'lazy', manifest: 'after-signature' });
    } catch (err) {
      if (err instanceof TeachPointError && err.code === 'pack.truncated') throw importError('import.truncated', { path });
      throw err;
    }
    const verification = await verifyPackContents(opened, {
      trustedRoots: trust.trustedRoots,
      revocations: trust.revocations ?? [],
      now: trust.now ?? new Date(),
      ed25519: nodeEd25519,
      blobs: 'presence-and-size',
    });
    if (!verification.ok || !opened.manifest || !opened.manifestBytes || !opened.signatureBytes) {
      throw importErrorFromProblems(verification.problems, path);
    }
    const manifest = opened.manifest;
    const titles = blobTitles(manifest);
    const blobs: PlannedBlob[] = manifestBlobs(manifest).map((b) => ({
      sha256: b.sha256,
      size: b.size,
      mime: b.mime,
      entry: opened.blobEntry(b.sha256)!,
      title: titles.get(b.sha256) ?? null,
    }));
    const fd = source.handle.fd;
    const pack = opened;
    const asImportError = (err: unknown): unknown =>
      err instanceof TeachPointError && err.code.startsWith('pack.') ? importErrorFromProblems(problemsFromError(err), path) : err;
    return {
      path,
      fileSize: source.size,
      manifest,
      blobs,
      metaFiles: [
        [MANIFEST_ENTRY, opened.manifestBytes],
        [SIGNATURE_ENTRY, opened.signatureBytes],
      ],
      fd,
      entryStream: (entry) => readEntryStream(path, entry),
      locate: (entry) => pack.locate(entry).catch((err: unknown) => Promise.reject(asImportError(err))),
      locateAll: (entries) => pack.locateAll(entries).catch((err: unknown) => Promise.reject(asImportError(err))),
      close: () => source.close(),
    };
  } catch (err) {
    await source.close().catch(() => undefined);
    if (err instanceof TeachPointError && err.code.startsWith('import.')) throw err;
    if (err instanceof TeachPointError && err.code.startsWith('pack.')) throw importErrorFromProblems([{ code: err.code as PackProblem['code'], message: err.localized }], path);
    throw importError('import.bad-pack', { path, message: err instanceof Error ? err.message : String(err) });
  }
}
