/**
 * Serves the county dashboard (the static build of sync/server/dashboard/, `npm run build:dashboard`,
 * in dist/dashboard) at /dashboard/. The page talks only to /api/v1/… on this same origin with the
 * tp_session cookie (HttpOnly, SameSite=Strict), so its CSP allows nothing but 'self': no inline
 * scripts or styles, no other origins, not frameable.
 */
import type { FastifyPluginAsync } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '../../../electron/host/http/static-files';

export const DASHBOARD_PATH = '/dashboard/';
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/dashboard/', import.meta.url));

export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>县级管理后台</title>
<p>管理后台尚未构建。请在项目目录运行 <code>npm run build:dashboard</code>（或 <code>npm run build</code>）后刷新本页。</p>
<p>The dashboard has not been built. Run <code>npm run build:dashboard</code> (or <code>npm run build</code>) in the project folder, then reload.</p></html>`;

export function dashboardStaticRoutes(root: string = DASHBOARD_DIR): FastifyPluginAsync {
  return async (app) => {
    app.get('/', (_req, reply) => reply.redirect(DASHBOARD_PATH));
    app.get('/dashboard', (_req, reply) => reply.redirect(DASHBOARD_PATH));
    app.get('/dashboard/*', (req, reply) => {
      const headers = {
        'content-security-policy': DASHBOARD_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
      };
      if (!existsSync(join(root, 'index.html'))) {
        return reply.code(503).headers({ ...headers, 'cache-control': 'no-store' }).type('text/html; charset=utf-8').send(NOT_BUILT);
      }
      // The host's static file server: traversal/dot-file refusal, symlink confinement, hashed
      // assets cached for a year, index.html revalidated.
      reply.hijack();
      for (const [name, value] of Object.entries(headers)) reply.raw.setHeader(name, value);
      const path = req.url.split('?')[0]!.slice(DASHBOARD_PATH.length - 1);
      return serveStatic(req.raw, reply.raw, root, path);
    });
  };
}
