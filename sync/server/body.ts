/**
 * Request bodies: JSON, optionally `Content-Encoding: gzip`. The wire size and the decompressed size
 * are bounded separately (a 256 KiB gzip body must not inflate into gigabytes).
 */
import type { FastifyRequest } from 'fastify';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { z } from 'zod';
import { PROTOCOL_HEADER, SUPPORTED_PROTOCOL_VERSIONS } from '../protocol/version';
import { badRequest, httpError } from './errors';
import { zodIssueLines } from '../../common/errors/zod-issues';

export function tooLarge(limit: number, what: 'wire' | 'json' | 'items') {
  const zhWhat = what === 'items' ? '条数' : '大小';
  return httpError(
    'push.too-large',
    {
      zh: `这批数据的${zhWhat}超过了云端的上限（${limit}）。同步会自动把它分成更小的批次；如果一直出现，请更新应用。`,
      en: `This batch exceeds the cloud's ${what === 'items' ? 'item' : 'size'} limit (${limit}). Sync splits it into smaller batches by itself; if this keeps happening, update the app.`,
    },
    { limit, what },
  );
}

/** A Fastify `preParsing` hook: counts wire bytes, gunzips, and refuses unknown encodings. */
export function boundedBody(maxWireBytes: number) {
  return async (req: FastifyRequest, _reply: unknown, payload: Readable): Promise<Readable> => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxWireBytes) throw tooLarge(maxWireBytes, 'wire');
    let wire = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        wire += chunk.length;
        if (wire > maxWireBytes) cb(tooLarge(maxWireBytes, 'wire'));
        else cb(null, chunk);
      },
    });
    const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
    let out: Readable = payload.pipe(counter);
    payload.on('error', (e) => counter.destroy(e));
    if (encoding === 'gzip') {
      const gunzip = createGunzip();
      counter.on('error', (e) => gunzip.destroy(e));
      out = counter.pipe(gunzip);
      // Fastify compares Content-Length with the bytes it receives; tell it the wire count.
      (out as Readable & { receivedEncodedLength?: number }).receivedEncodedLength = 0;
      counter.on('data', () => {
        (out as Readable & { receivedEncodedLength?: number }).receivedEncodedLength = wire;
      });
    } else if (encoding !== 'identity') {
      throw httpError('protocol.unsupported-encoding', {
        zh: `云端不接受“${encoding}”压缩的数据，只接受 gzip 或不压缩。请更新应用。`,
        en: `The cloud does not accept "${encoding}" bodies, only gzip or none. Update the app.`,
      });
    }
    return out;
  };
}

/** Checks the protocol header (when sent) and parses a body with a zod schema. */
export function parseBody<S extends z.ZodTypeAny>(req: FastifyRequest, schema: S): z.output<S> {
  checkProtocolHeader(req);
  const r = schema.safeParse(req.body ?? {});
  if (!r.success) throw badRequest(zodIssueLines(r.error.issues.slice(0, 3)).join('; '));
  const version = (r.data as { protocolVersion?: number }).protocolVersion;
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) throw unsupportedVersion(version);
  return r.data;
}

export function checkProtocolHeader(req: FastifyRequest): void {
  const h = req.headers[PROTOCOL_HEADER];
  if (h === undefined) return;
  const v = Number(h);
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(v)) throw unsupportedVersion(v);
}

function unsupportedVersion(v: number) {
  return httpError(
    'protocol.unsupported-version',
    {
      zh: `应用使用的同步协议版本（${v}）云端不支持。请把应用更新到最新版本。`,
      en: `The cloud does not speak sync protocol version ${v}. Update the app to the latest version.`,
    },
    { supported: [...SUPPORTED_PROTOCOL_VERSIONS] },
  );
}
