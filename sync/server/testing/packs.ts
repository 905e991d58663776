/**
 * Test and bench helpers for the pack routes: a cloud pack environment on a temp dir trusting a
 * given root, an upload that streams a .tpk file over real HTTP, and a raw node:http request that
 * shows exactly the headers and bytes an HTTP client sees (no fetch decoding or header merging).
 */
import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import type { PublicKeyFile } from '../../../content-packs/format/trust';
import { packEnvironment, type PackEnvironment } from '../packs/environment';
import { LocalDiskBlobStorage } from '../packs/storage/local-disk';
import type { BlobStorage } from '../packs/storage/blob-storage';
import type { Json } from './harness';

/** Packs on local disk under `dir` (blobs in dir/blobs, spool in dir/uploads), trusting `roots`. */
export function localPackEnvironment(dir: string, roots: readonly PublicKeyFile[], blobs: BlobStorage = new LocalDiskBlobStorage(join(dir, 'blobs'))): PackEnvironment {
  return packEnvironment(blobs, { trustedRoots: roots }, { spoolDir: join(dir, 'uploads') });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP request with node:http; the body is read whole (test-sized answers only). */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: NodeJS.ReadableStream | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // A server may answer (401, 413) before it has read the whole body and close the connection:
    // the write then fails, but the answer is what the test wants.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (options.body && Buffer.isBuffer(options.body)) req.end(options.body);
    else if (options.body) (options.body as NodeJS.ReadableStream).pipe(req);
    else req.end();
  });
}

/** Uploads a .tpk as a staff member, streaming the file (POST /api/v1/admin/packs). */
export async function uploadPack(cloudUrl: string, staffToken: string, file: string): Promise<{ status: number; body: Json }> {
  const r = await rawRequest(`${cloudUrl}/api/v1/admin/packs?filename=${encodeURIComponent(basename(file))}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${staffToken}`, 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) },
    body: createReadStream(file),
  });
  return { status: r.status, body: JSON.parse(r.body.toString('utf8')) as Json };
}
