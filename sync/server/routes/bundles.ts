/**
 * `POST /api/v1/admin/bundles` — county staff upload a USB progress bundle (the dashboard's upload
 * control; body = the `.tpbundle` bytes as `application/octet-stream`). A county admin can ingest
 * only bundles of devices in their county. Answers the ingest summary.
 */
import type { FastifyPluginAsync } from 'fastify';
import { BUNDLE_MAX_BYTES } from '../../protocol/bundle';
import { API_PREFIX } from '../../protocol/version';
import { authStaff } from '../auth/auth';
import { httpError } from '../errors';
import { ingestProgressBundle } from '../services/bundles';

export const BUNDLE_CONTENT_TYPES = ['application/octet-stream', 'application/x-teachpoint-bundle'];

export const bundleRoutes: FastifyPluginAsync = async (app) => {
  const ctx = app.cloud;
  // Encapsulated: only this plugin's routes take raw bytes.
  app.addContentTypeParser(BUNDLE_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: BUNDLE_MAX_BYTES }, (_req, body, done) => done(null, body));

  app.post(`${API_PREFIX}/admin/bundles`, { bodyLimit: BUNDLE_MAX_BYTES }, async (req) => {
    const staff = await authStaff(ctx, req);
    const body = req.body;
    if (!Buffer.isBuffer(body)) {
      throw httpError('protocol.unsupported-encoding', {
        zh: '请把进度包文件原样上传（Content-Type: application/octet-stream）。',
        en: 'Upload the progress bundle file as is (Content-Type: application/octet-stream).',
      });
    }
    return ingestProgressBundle(ctx, staff, new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  });
};
