/**
 * Pack routes (docs/sync-protocol.md §6):
 *   staff   POST /api/v1/admin/packs                       upload a .tpk (raw body, streamed to disk, size-limited)
 *           GET  /api/v1/admin/packs[?packId=]             published versions (with 学段/学科/版本 facets)
 *           GET  /api/v1/admin/packs/:packId/:version      one version
 *           GET  /api/v1/admin/releases?packId&version&schoolId&withdrawn=1
 *           POST /api/v1/admin/releases                    release by pack id or 学段/学科/版本, to schools or a county
 *           POST /api/v1/admin/releases/withdraw           soft-delete releases
 *   device  GET  /api/v1/packs/:packId/:version/manifest   manifest.json bytes as signed (ETag = its sha256)
 *           GET  /api/v1/packs/:packId/:version/manifest.sig
 * Blobs are served by routes/blobs.ts.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { API_PREFIX } from '../../protocol/version';
import { authDevice, authStaff } from '../auth/auth';
import { parseBody } from '../body';
import type { CloudContext } from '../context';
import { httpError, notFound } from '../errors';
import type { PackEnvironment } from '../packs/environment';
import { registerPackPullSources } from '../packs/pull-sources';
import { publishPackFile } from '../packs/publish';
import { getPackVersion, listPackVersions, listReleases, releasePacks, withdrawRelease } from '../packs/releases';

const A = `${API_PREFIX}/admin`;
const VersionParams = z.object({ packId: z.string().min(1).max(128), version: z.coerce.number().int().min(0) });
const SchoolSelectorBody = { schoolIds: z.array(z.string().min(1).max(128)).max(10_000).optional(), countyId: z.string().optional() };

export function packsUnavailable() {
  return httpError('server.unavailable', {
    zh: '这个云端没有配置资源包存储。请管理员用 teachpoint-cloud serve 启动云端（或设置 TEACHPOINT_S3_BUCKET）。',
    en: 'This cloud has no pack storage configured. An administrator must start it with teachpoint-cloud serve (or set TEACHPOINT_S3_BUCKET).',
  });
}

export function packsOf(ctx: CloudContext): PackEnvironment {
  if (!ctx.packs) throw packsUnavailable();
  return ctx.packs;
}

const packTooLarge = (limit: number) =>
  httpError(
    'push.too-large',
    {
      zh: `资源包超过了云端允许的大小（${Math.round(limit / 1024 ** 2)} MB），没有保存。请把内容拆成几个资源包，或请管理员调高 TEACHPOINT_MAX_PACK_BYTES。`,
      en: `The pack is larger than this cloud accepts (${Math.round(limit / 1024 ** 2)} MB) and was not stored. Split it into several packs, or ask the administrator to raise TEACHPOINT_MAX_PACK_BYTES.`,
    },
    { limit },
  );

/** Streams the request body to a new spool file, refusing more than `limit` bytes. Returns the path. */
async function spoolUpload(env: PackEnvironment, req: FastifyRequest, body: Readable): Promise<string> {
  const limit = env.maxPackBytes;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw packTooLarge(limit);
  await fsp.mkdir(env.spoolDir, { recursive: true });
  await dropStaleSpoolFiles(env.spoolDir);
  const file = join(env.spoolDir, `upload-${Date.now()}-${randomBytes(6).toString('hex')}.tpk`);
  let n = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n > limit) cb(packTooLarge(limit));
      else cb(null, chunk);
    },
  });
  try {
    await pipeline(body, counter, createWriteStream(file, { flags: 'wx' }));
  } catch (err) {
    await fsp.rm(file, { force: true });
    throw err;
  }
  return file;
}

/** Spool files a crashed process left behind (a day old: no upload takes that long, and other instances may share the dir). */
async function dropStaleSpoolFiles(dir: string): Promise<void> {
  const cutoff = Date.now() - 24 * 3600 * 1000;
  for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith('upload-')) continue;
    const path = join(dir, name);
    const st = await fsp.stat(path).catch(() => null);
    if (st && st.mtimeMs < cutoff) await fsp.rm(path, { force: true });
  }
}

async function sendManifestPart(ctx: CloudContext, req: FastifyRequest, reply: FastifyReply, part: 'manifest' | 'signature'): Promise<FastifyReply> {
  const device = await authDevice(ctx, req);
  const p = VersionParams.parse(req.params);
  const r = await ctx.db.query<{ manifest: Uint8Array; signature: Uint8Array; manifest_sha256: string }>(
    `SELECT v.${part === 'manifest' ? 'manifest' : 'signature'} AS ${part}, v.manifest_sha256
       FROM pack_versions v JOIN pack_releases r ON r.pack_id = v.pack_id AND r.version = v.version
      WHERE r.school_id = $1 AND r.pack_id = $2 AND r.version = $3 AND NOT r.deleted`,
    [device.schoolId, p.packId, p.version],
  );
  const row = r.rows[0];
  // Not released to this school (or withdrawn): the same 404 as a pack that does not exist.
  if (!row) throw notFound({ zh: `发布给本校的资源包 ${p.packId} 第 ${p.version} 版`, en: `pack ${p.packId} version ${p.version} released to this school` });
  const bytes = Buffer.from(row[part]);
  const etag = part === 'manifest' ? `"${row.manifest_sha256}"` : `"${row.manifest_sha256}.sig"`;
  void reply.header('etag', etag).header('cache-control', 'private, no-cache');
  if (req.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type(part === 'manifest' ? 'application/json; charset=utf-8' : 'application/octet-stream').send(bytes);
}

export const packRoutes: FastifyPluginAsync = async (app) => {
  registerPackPullSources();
  const ctx = app.cloud;
  // A .tpk upload arrives as the raw body (any non-JSON type): handed on as the request stream,
  // never buffered; the route spools it to disk under its own size limit.
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.post(`${A}/packs`, async (req, reply) => {
    const staff = await authStaff(ctx, req);
    const env = packsOf(ctx);
    if (!req.body || typeof (req.body as Readable).pipe !== 'function') {
      throw httpError('protocol.bad-request', {
        zh: '请把 .tpk 文件作为请求正文上传（Content-Type: application/octet-stream）。',
        en: 'Upload the .tpk file as the request body (Content-Type: application/octet-stream).',
      });
    }
    const name = basename(String((req.query as { filename?: string }).filename ?? 'upload.tpk')).slice(0, 200);
    const file = await spoolUpload(env, req, req.body as Readable);
    try {
      const result = await publishPackFile(ctx, env, staff, file, name);
      return reply.code(result.alreadyPublished ? 200 : 201).send(result);
    } finally {
      await fsp.rm(file, { force: true });
    }
  });

  app.get(`${A}/packs`, async (req) => {
    const staff = await authStaff(ctx, req);
    const q = z.object({ packId: z.string().optional() }).parse(req.query);
    return listPackVersions(ctx.db, staff, q);
  });
  app.get(`${A}/packs/:packId/:version`, async (req) => {
    const staff = await authStaff(ctx, req);
    const p = VersionParams.parse(req.params);
    return getPackVersion(ctx.db, staff, p.packId, p.version);
  });

  app.get(`${A}/releases`, async (req) => {
    const staff = await authStaff(ctx, req);
    const q = z
      .object({ packId: z.string().optional(), version: z.coerce.number().int().optional(), schoolId: z.string().optional(), withdrawn: z.enum(['0', '1']).optional() })
      .parse(req.query);
    return listReleases(ctx.db, staff, { packId: q.packId, version: q.version, schoolId: q.schoolId, includeWithdrawn: q.withdrawn === '1' });
  });
  app.post(`${A}/releases`, async (req, reply) => {
    const staff = await authStaff(ctx, req);
    const b = parseBody(
      req,
      z.object({
        packId: z.string().optional(),
        version: z.number().int().min(0).optional(),
        stage: z.string().optional(),
        subject: z.string().optional(),
        edition: z.string().optional(),
        ...SchoolSelectorBody,
      }),
    );
    const result = await releasePacks(ctx, staff, b, b);
    return reply.code(201).send(result);
  });
  app.post(`${A}/releases/withdraw`, async (req) => {
    const staff = await authStaff(ctx, req);
    const b = parseBody(req, z.object({ packId: z.string(), version: z.number().int().min(0), ...SchoolSelectorBody }));
    return withdrawRelease(ctx, staff, b, b);
  });

  app.get(`${API_PREFIX}/packs/:packId/:version/manifest`, (req, reply) => sendManifestPart(ctx, req, reply, 'manifest'));
  app.get(`${API_PREFIX}/packs/:packId/:version/manifest.sig`, (req, reply) => sendManifestPart(ctx, req, reply, 'signature'));
};
