/**
 * `GET|HEAD /blobs/:sha256` — pack blobs for devices, nginx and CDNs. No authentication: blobs are
 * public course material, content-addressed and immutable (decision D32), so a caching proxy may
 * keep them for a year and answer any school. Range/If-Range/416 follow the same plan as the
 * device's media server (common/http/range.ts); the bytes stream from the BlobStorage, never
 * through memory whole.
 */
import type { FastifyPluginAsync } from 'fastify';
import { planRangeResponse } from '../../../common/http/range';
import { notFound } from '../errors';
import { SHA256_HEX } from '../packs/storage/blob-storage';
import { packsOf } from './packs';

export const BLOB_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export const blobRoutes: FastifyPluginAsync = async (app) => {
  const ctx = app.cloud;
  const missing = () => notFound({ zh: '这个资源文件', en: 'blob' });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/blobs/:sha256',
    exposeHeadRoute: false,
    handler: async (req, reply) => {
      const { sha256 } = req.params as { sha256: string };
      // A 404 must not be cached as if it were the immutable blob (it may be uploaded later).
      const blobs = packsOf(ctx).blobs;
      const size = SHA256_HEX.test(sha256) ? await blobs.size(sha256) : null;
      if (size === null) {
        void reply.header('cache-control', 'no-store');
        throw missing();
      }
      const plan = planRangeResponse({
        method: req.method,
        rangeHeader: req.headers.range ?? null,
        ifRangeHeader: typeof req.headers['if-range'] === 'string' ? req.headers['if-range'] : null,
        size,
        etag: `"${sha256}"`,
      });
      void reply.code(plan.status).headers(plan.headers).header('content-type', 'application/octet-stream');
      if (plan.status === 405 || plan.status === 416) return reply.header('cache-control', 'no-store').send();
      void reply.header('cache-control', BLOB_CACHE_CONTROL);
      if (!plan.body || plan.length === 0) return reply.send();
      return reply.send(await blobs.read(sha256, { start: plan.start, end: plan.end }));
    },
  });
};
