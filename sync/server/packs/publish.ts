/**
 * Publishing a .tpk on the cloud (`POST /api/v1/admin/packs`, `teachpoint-cloud publish`): the
 * file is verified in full with the device's own code (content-packs/node/verify.ts: signature over
 * the exact manifest bytes, certificate chain to a trusted province root, validity now,
 * revocations, every blob's size and sha256) BEFORE anything is stored. Then the blobs the storage
 * lacks are copied in (each hashed again on the way — a pack update stores only its new blobs),
 * and last the pack version row with manifest.json and manifest.sig as signed.
 */
import { createHash } from 'node:crypto';
import { TeachPointError } from '../../../common/errors/errors';
import { manifestBlobs, type LessonNode, type PackManifest } from '../../../content-packs/format/manifest';
import type { PackProblem } from '../../../content-packs/format/problems';
import { importErrorFromProblems } from '../../../content-packs/import/open-verified';
import { readEntryStream } from '../../../content-packs/node/entry-stream';
import { openPackFile, verifyPackFile } from '../../../content-packs/node/verify';
import type { StaffAuth } from '../auth/auth';
import type { CloudContext } from '../context';
import { httpError } from '../errors';
import type { PackEnvironment } from './environment';

export interface FacetValue {
  id: string;
  title: string;
}
/** One 学段/学科/版本 path of the lesson tree (a level the tree skips is null). */
export interface PackFacet {
  stage: FacetValue | null;
  subject: FacetValue | null;
  edition: FacetValue | null;
}

export interface PublishResult {
  packId: string;
  version: number;
  title: PackManifest['title'];
  manifestSha256: string;
  totalBytes: number;
  blobCount: number;
  /** Blobs this upload added to the storage (the rest were already there). */
  blobsStored: number;
  bytesStored: number;
  /** The same version with the same manifest was already published: nothing changed. */
  alreadyPublished: boolean;
  publisher: { keyId: string; name: string };
  facets: PackFacet[];
}

/** Distinct 学段/学科/版本 paths down to the first level below 版本 (what a release filter can name). */
export function packFacets(tree: readonly LessonNode[]): PackFacet[] {
  const out = new Map<string, PackFacet>();
  const walk = (nodes: readonly LessonNode[], at: PackFacet): void => {
    for (const n of nodes) {
      const here: FacetValue = { id: n.id, title: n.title['zh-CN'] };
      if (n.level === 'stage' || n.level === 'subject' || n.level === 'edition') {
        const next = { ...at, [n.level]: here };
        if (n.children?.length) walk(n.children, next);
        else out.set(JSON.stringify(next), next);
      } else out.set(JSON.stringify(at), at);
    }
  };
  walk(tree, { stage: null, subject: null, edition: null });
  return [...out.values()];
}

function rejected(problems: readonly PackProblem[], name: string): TeachPointError {
  const code = importErrorFromProblems(problems, name).code;
  const first = problems[0]?.message ?? { zh: '文件无法读取。', en: 'The file cannot be read.' };
  return new TeachPointError(
    code,
    {
      zh: `资源包“${name}”未通过验证，云端没有保存任何内容。${first.zh}`,
      en: `The pack "${name}" failed verification; the cloud stored nothing. ${first.en}`,
    },
    { file: name, problems: problems.map((p) => ({ ...p })) },
  );
}

const noRoots = () =>
  httpError('server.unavailable', {
    zh: '云端还没有配置省级根公钥，无法验证资源包。请管理员把根公钥（.pub）放进云端数据目录的 trust/ 文件夹。',
    en: 'The cloud has no province root key configured, so it cannot verify packs. An administrator must put the root public key (.pub) in the trust/ folder of the cloud data directory.',
  });

const versionTaken = (packId: string, version: number) =>
  httpError(
    'conflict',
    {
      zh: `资源包 ${packId} 的第 ${version} 版已经发布过，且内容不同。请提高版本号后重新打包。`,
      en: `Version ${version} of pack ${packId} is already published with different content. Raise the version and rebuild the pack.`,
    },
    { packId, version },
  );

/**
 * Verifies and publishes the .tpk at `file`. `name` is how messages call it (the uploaded file
 * name); `uploader` is null for the CLI (an operator on the cloud machine).
 */
export async function publishPackFile(ctx: CloudContext, env: PackEnvironment, uploader: StaffAuth | null, file: string, name: string): Promise<PublishResult> {
  const trust = await env.trust();
  if (trust.trustedRoots.length === 0) throw noRoots();
  const verification = await verifyPackFile(file, { trustedRoots: trust.trustedRoots, revocations: trust.revocations ?? [], now: ctx.clock() });
  if (!verification.ok || !verification.manifest || !verification.signer) throw rejected(verification.problems, name);
  const manifest = verification.manifest;
  const signer = verification.signer;

  const pack = await openPackFile(file);
  try {
    const manifestBytes = pack.manifestBytes!;
    const signatureBytes = pack.signatureBytes!;
    const manifestSha256 = createHash('sha256').update(manifestBytes).digest('hex');
    const blobs = manifestBlobs(manifest);
    const totalBytes = blobs.reduce((n, b) => n + b.size, 0);
    const facets = packFacets(manifest.tree);
    const result: PublishResult = {
      packId: manifest.id,
      version: manifest.version,
      title: manifest.title,
      manifestSha256,
      totalBytes,
      blobCount: blobs.length,
      blobsStored: 0,
      bytesStored: 0,
      alreadyPublished: false,
      publisher: { keyId: signer.keyId, name: signer.name },
      facets,
    };
    const existing = await existingSha(ctx, manifest.id, manifest.version);
    if (existing !== null && existing !== manifestSha256) throw versionTaken(manifest.id, manifest.version);

    // Blobs first, row last: a version row always names blobs that are all stored.
    for (const b of blobs) {
      if (await env.blobs.has(b.sha256)) continue;
      const entry = await pack.locate(pack.blobEntry(b.sha256)!);
      await env.blobs.put(b.sha256, readEntryStream(file, entry), b.size);
      result.blobsStored++;
      result.bytesStored += b.size;
    }
    if (existing !== null) return { ...result, alreadyPublished: true };

    const inserted = await ctx.db.query(
      `INSERT INTO pack_versions (pack_id, version, title, manifest, manifest_sha256, signature, total_bytes, blob_count, facets,
                                  publisher_key_id, certificate, uploaded_by, uploaded_by_name, uploaded_county_id, uploaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (pack_id, version) DO NOTHING`,
      [
        manifest.id,
        manifest.version,
        JSON.stringify(manifest.title),
        Buffer.from(manifestBytes),
        manifestSha256,
        Buffer.from(signatureBytes),
        totalBytes,
        blobs.length,
        JSON.stringify(facets),
        signer.keyId,
        JSON.stringify(signer.certificate),
        uploader?.accountId ?? null,
        uploader?.username ?? 'teachpoint-cloud publish',
        uploader?.countyId ?? null,
        ctx.clock(),
      ],
    );
    if (inserted.rowCount === 0) {
      // Another upload of the same version won the race.
      if ((await existingSha(ctx, manifest.id, manifest.version)) !== manifestSha256) throw versionTaken(manifest.id, manifest.version);
      return { ...result, alreadyPublished: true };
    }
    return result;
  } finally {
    await pack.close();
  }
}

async function existingSha(ctx: CloudContext, packId: string, version: number): Promise<string | null> {
  const r = await ctx.db.query<{ manifest_sha256: string }>('SELECT manifest_sha256 FROM pack_versions WHERE pack_id = $1 AND version = $2', [packId, version]);
  return r.rows[0]?.manifest_sha256 ?? null;
}
