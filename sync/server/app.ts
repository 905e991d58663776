/**
 * The provincial cloud's composition root: one Fastify instance over one CloudContext. Stateless —
 * sessions, rate windows, enrollment codes and lock-outs all live in the database, so several
 * processes can serve one PostgreSQL. Route modules register themselves here; the pack, bundle and
 * dashboard routes of other parts add one line each (see `extraRoutes`).
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { gzipSync } from 'node:zlib';
import type { ZodError } from 'zod';
import { isTeachPointError } from '../../common/errors/errors';
import { zodIssueLines } from '../../common/errors/zod-issues';
import { makeContext, type ContextOptions } from './context';
import type { Db } from './db/db';
import { badRequest, errorBody, httpError, statusOf } from './errors';
import { adminRoutes } from './routes/admin';
import { authRoutes } from './routes/auth';
import { blobRoutes } from './routes/blobs';
import { bundleRoutes } from './routes/bundles';
import { dashboardApiRoutes } from './routes/dashboard-api';
import { dashboardStaticRoutes } from './routes/dashboard-static';
import { deviceRoutes } from './routes/device';
import { packRoutes } from './routes/packs';

export interface CloudAppOptions extends ContextOptions {
  db: Db;
  /** Fastify logger options; false in tests. */
  logger?: boolean | Record<string, unknown>;
  /** More route plugins (packs, bundles, dashboard), registered after the core. */
  extraRoutes?: FastifyPluginAsync[];
}

/** Route plugins every cloud registers besides the core (other modules append at import time). */
export const CLOUD_ROUTE_PLUGINS: FastifyPluginAsync[] = [
  dashboardApiRoutes,
  packRoutes,
  blobRoutes,
  bundleRoutes,
  dashboardStaticRoutes(),
];

export async function buildCloudApp(options: CloudAppOptions): Promise<FastifyInstance> {
  const ctx = makeContext(options.db, options);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    trustProxy: true,
  });
  app.decorate('cloud', ctx);

  app.setErrorHandler((error: FastifyError, req, reply) => {
    if (isTeachPointError(error)) {
      const status = statusOf(error);
      const retry = error.details?.retryAfterSeconds;
      if (typeof retry === 'number') void reply.header('retry-after', String(retry));
      return reply.code(status).send(errorBody(error));
    }
    if ((error as unknown as Error).name === 'ZodError') {
      const issues = (error as unknown as ZodError).issues;
      return reply.code(400).send(errorBody(badRequest(zodIssueLines(issues.slice(0, 3)).join('; '))));
    }
    const status = error.statusCode ?? 500;
    if (status === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(
        errorBody(
          httpError(
            'push.too-large',
            { zh: '请求太大，超过了云端的上限。同步会自动分成更小的批次。', en: 'The request is larger than the cloud accepts. Sync splits it into smaller batches by itself.' },
            { limit: req.routeOptions.bodyLimit },
          ),
        ),
      );
    }
    if (status === 415) {
      return reply.code(415).send(errorBody(httpError('protocol.unsupported-encoding', { zh: '请求的内容类型不对，只接受 JSON。请更新应用。', en: 'Only JSON bodies are accepted. Update the app.' })));
    }
    if (status >= 400 && status < 500) {
      return reply.code(400).send(errorBody(httpError('protocol.bad-request', { zh: `请求格式不对：${error.message}。请更新应用后重试。`, en: `The request is malformed: ${error.message}. Update the app and try again.` })));
    }
    req.log.error(error);
    return reply.code(500).send(
      errorBody(httpError('server.internal', { zh: '云端出了内部错误，会自动重试。如果一直出现，请联系县电教馆。', en: 'The cloud hit an internal error; sync retries by itself. If it persists, contact county staff.' })),
    );
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(errorBody(httpError('not-found', { zh: `没有这个地址：${req.method} ${req.url.split('?')[0]}。`, en: `No such route: ${req.method} ${req.url.split('?')[0]}.` }))),
  );

  // gzip JSON answers for clients that accept it (pull pages, lists). Small answers stay plain.
  app.addHook('onSend', async (req, reply, payload) => {
    if (typeof payload !== 'string' || payload.length < 1024) return payload;
    if (!/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return payload;
    if (!String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
    void reply.header('content-encoding', 'gzip');
    void reply.header('vary', 'accept-encoding');
    void reply.removeHeader('content-length');
    return gzipSync(payload);
  });

  await app.register(deviceRoutes);
  await app.register(authRoutes);
  await app.register(adminRoutes);
  for (const plugin of [...CLOUD_ROUTE_PLUGINS, ...(options.extraRoutes ?? [])]) await app.register(plugin);
  return app;
}
