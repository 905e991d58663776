import * as fs from 'fs';
import type { IncomingMessage, ServerResponse } from 'http';
import { basename, dirname } from 'path';
import type { BridgeEventSink } from '../../../common/bridge/contract';
import { Material, type MaterialProgress } from '../../../common/bridge/methods/materials';
import { isTeachPointError } from '../../../common/errors/errors';
import { materialError, MAX_MATERIAL_BYTES, uploadTempPath } from '../../../content-packs/device/materials';
import { sendBridgeError, sendError, sendJson } from './respond';

/** What the upload route needs of 我的资料 (content-packs/device/materials.ts MaterialLibrary satisfies it). */
export interface MaterialUploadTarget {
  readonly library: { readonly dataDir: string };
  add(file: string, options: { title?: string; originalName?: string; onProgress?: (p: MaterialProgress) => void }): Promise<Material>;
  /** Throws `materials.disk-full` unless an upload of this many bytes fits (the library's free-space rule). */
  checkUploadSpace(bytes: number, name: string): Promise<void>;
  /**
   * Throws (`teacher.locked`) unless the `X-Teacher-Session` header names a live teacher session;
   * called before a byte of the body is read. The host's target always has it.
   */
  authorize?(teacherSession: string | undefined): void;
}

/** Header carrying the teacher session on the upload route (the bridge carries it in the request). */
export const TEACHER_SESSION_HEADER = 'x-teacher-session';

export interface UploadOptions {
  events: BridgeEventSink;
  log: (msg: string) => void;
  maxBytes?: number;
}

/** An idle upload (no bytes for this long) is dropped. */
const IDLE_MS = 120_000;

/**
 * POST /api/materials/upload?name=<file name>[&title=<title>] — a teacher's file from a browser
 * (the HTTP transport has no native file dialog). Authenticated by the router (Bearer token) before
 * this runs. The body is streamed to a temp file under `<data>/work/<pid>/` (never into memory), at
 * most `maxBytes` (4 GiB), after a free-space check for the declared length; then it goes through
 * MaterialLibrary.add exactly like a file picked in Electron, and the temp file is removed whatever
 * happens. Answers the bridge envelope: 200 `{ok:true,value:Material}`, 413 `materials.too-large`,
 * 422 `materials.*` (unsupported type, unreadable, disk full), 400 for a missing/bad name.
 */
export async function handleMaterialUpload(
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  target: MaterialUploadTarget | null,
  options: UploadOptions,
): Promise<void> {
  if (req.method !== 'POST') {
    req.resume();
    res.setHeader('Allow', 'POST');
    return sendBridgeError(res, 'bridge.invalid-request', 405, { reason: 'method-not-allowed' });
  }
  const rawName = query.get('name') ?? '';
  // Only a file name: anything path-like is reduced to its last segment (it never becomes a path).
  const name = basename(rawName.replace(/\\/g, '/')).split('').filter((c) => c.charCodeAt(0) >= 0x20).join('').slice(0, 255);
  if (!target || name === '' || name === '.' || name === '..') {
    req.resume();
    return sendBridgeError(res, 'bridge.invalid-request', 400, { reason: target ? 'name' : 'unavailable' });
  }
  if (target.authorize) {
    const header = req.headers[TEACHER_SESSION_HEADER];
    try {
      target.authorize(Array.isArray(header) ? header[0] : header);
    } catch (err) {
      res.setHeader('Connection', 'close');
      req.resume();
      if (isTeachPointError(err)) return sendError(res, err.toData(), 422);
      throw err;
    }
  }
  const title = query.get('title')?.trim() || undefined;
  const maxBytes = options.maxBytes ?? MAX_MATERIAL_BYTES;
  const declared = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : null;
  if (declared !== null && (!Number.isFinite(declared) || declared > maxBytes)) {
    res.setHeader('Connection', 'close');
    req.resume();
    return sendError(res, materialError('materials.too-large', { name, maxBytes }).toData(), 413);
  }
  const dataDir = target.library.dataDir;
  if (declared !== null) {
    try {
      await target.checkUploadSpace(declared, name);
    } catch (err) {
      res.setHeader('Connection', 'close');
      req.resume();
      if (isTeachPointError(err)) return sendError(res, err.toData(), 422);
      throw err;
    }
  }

  const temp = uploadTempPath(dataDir, name);
  await fs.promises.mkdir(dirname(temp), { recursive: true });
  req.socket.setTimeout(IDLE_MS, () => req.destroy(new Error('upload idle')));
  // The temp file is gone before any answer is sent (a client may look right after it).
  const cleanup = () => fs.promises.rm(temp, { force: true }).catch(() => undefined);
  try {
    const received = await receive(req, temp, maxBytes);
    if (received !== 'ok') await cleanup();
    if (received === 'too-large') {
      res.setHeader('Connection', 'close');
      return sendError(res, materialError('materials.too-large', { name, maxBytes }).toData(), 413);
    }
    if (received === 'disk-full') {
      res.setHeader('Connection', 'close');
      return sendError(res, materialError('materials.disk-full', { name }).toData(), 422);
    }
    if (received === 'aborted') {
      res.destroy();
      return;
    }
    req.socket.setTimeout(0);
    const material = await target.add(temp, {
      originalName: name,
      ...(title ? { title } : {}),
      onProgress: (p) => options.events.emit('materials.progress', p),
    });
    await cleanup();
    sendJson(res, 200, { ok: true, value: Material.parse(material) });
  } catch (err) {
    await cleanup();
    if (isTeachPointError(err)) return sendError(res, err.toData(), 422);
    options.log(`[http] material upload ${name} failed: ${String(err)}`);
    sendBridgeError(res, 'bridge.internal', 500);
  }
}

/** Body → file, counting bytes; never more than `limit` on disk. */
function receive(req: IncomingMessage, file: string, limit: number): Promise<'ok' | 'too-large' | 'disk-full' | 'aborted'> {
  return new Promise((resolve) => {
    const out = fs.createWriteStream(file, { flags: 'wx' });
    let total = 0;
    let settled = false;
    let closed = false;
    out.on('close', () => {
      closed = true;
    });
    const finish = (outcome: 'ok' | 'too-large' | 'disk-full' | 'aborted') => {
      if (settled) return;
      settled = true;
      req.unpipe(out);
      if (outcome !== 'ok') {
        req.resume();
        // Resolve only once the file is closed, so the caller's rm cannot race the stream's open.
        if (closed) resolve(outcome);
        else {
          out.once('close', () => resolve(outcome));
          out.destroy();
        }
        return;
      }
      resolve(outcome);
    };
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) finish('too-large');
    });
    req.on('aborted', () => finish('aborted'));
    req.on('error', () => finish('aborted'));
    out.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ENOSPC' ? 'disk-full' : 'aborted'));
    out.on('finish', () => {
      // fsync is not needed: the bytes are copied (hashed, fsynced) into the store next.
      if (!settled) finish(total > limit ? 'too-large' : 'ok');
    });
    req.pipe(out);
  });
}
