import type { IncomingMessage, ServerResponse } from 'http';
import type { MediaResolver } from '../../../common/media/media';
import { createCoursewareReader, openCoursewareBody } from '../courseware';

export interface CoursewareServer {
  serve(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void>;
}

/**
 * GET/HEAD /courseware/<sha256>/<entry path> over HTTP (the entry logic is transport-neutral, in
 * ../courseware.ts). The router has already set COURSEWARE_CSP: the page runs in an opaque sandboxed
 * origin with no network access and cannot reach the bridge (no token, Origin "null").
 *
 * No token here: a sandboxed frame's sub-requests (scripts, images, fonts) cannot carry one. What
 * guards it: the Host check (DNS rebinding), `frame-ancestors 'self'` (no other site can frame it),
 * a 64-hex name that must belong to an installed pack, and the content being published lesson material
 * rather than learner data.
 */
export function createCoursewareServer(resolver: MediaResolver | null, log: (msg: string) => void): CoursewareServer {
  const reader = createCoursewareReader(resolver, log);
  return {
    async serve(req, res, rest) {
      // Sandboxed pages send CORS-mode requests (module scripts, fonts) from origin "null".
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      const slash = rest.indexOf('/');
      let entry: string;
      try {
        entry = slash >= 0 ? decodeURIComponent(rest.slice(slash + 1)) : '';
      } catch {
        entry = '\0'; // refused by safeEntryName → 404
      }
      const ifRange = req.headers['if-range'];
      const reply = await reader.reply({
        method: req.method ?? 'GET',
        sha256: slash >= 0 ? rest.slice(0, slash) : rest,
        entry,
        range: req.headers.range,
        ifRange: Array.isArray(ifRange) ? ifRange[0] : ifRange,
      });
      res.statusCode = reply.status;
      for (const [k, v] of Object.entries(reply.headers)) res.setHeader(k, v);
      if (!reply.body) {
        res.end(reply.status === 404 ? 'Not found' : undefined);
        return;
      }
      const stream = openCoursewareBody(reply.body);
      stream.on('error', (err) => {
        log(`[http] courseware ${rest} failed: ${String(err)}`);
        res.destroy();
      });
      res.on('close', () => stream.destroy());
      stream.pipe(res);
    },
  };
}
