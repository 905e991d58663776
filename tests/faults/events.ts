/**
 * Helpers for the cloud fault tests: gzip push bodies, a push sent in two parts (so a fault can land
 * mid-upload), and lost/duplicated counted against the cloud's events table.
 */
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { uuidv7 } from '../../common/ids/uuidv7';
import type { ProgressEvent } from '../../common/records/records';
import type { Db } from '../../sync/server/db/db';

/** A gzip push body for these events. */
export function pushBody(events: ProgressEvent[], batchId = uuidv7()): Buffer {
  return gzipSync(JSON.stringify({ protocolVersion: 1, batchId, events }));
}

/** Lost and duplicated, counted against the cloud's events table. */
export async function countStored(db: Db, ids: readonly string[]): Promise<{ rows: number; lost: number; duplicated: number; foreign: number }> {
  const r = await db.query<{ id: string }>('SELECT id::text AS id FROM events');
  const stored = r.rows.map((x) => x.id);
  const distinct = new Set(stored);
  const expected = new Set(ids);
  let lost = 0;
  for (const id of expected) if (!distinct.has(id)) lost++;
  let foreign = 0;
  for (const id of distinct) if (!expected.has(id)) foreign++;
  return { rows: stored.length, lost, duplicated: stored.length - distinct.size, foreign };
}

/**
 * A push whose body is sent in two parts: `sendFirst(n)` sends the headers and `n` body bytes and
 * stops, so a fault (revocation, a killed cloud) can happen while the request is in flight; then
 * `finish()` sends the rest. `response` resolves with the status and JSON body, status 0 when the
 * connection died (like a transport reports it; never a rejection that could go unhandled).
 */
export function partialPush(origin: string, token: string, body: Buffer, firstBytes: number): { response: Promise<{ status: number; body: { error?: { code: string } } & Record<string, unknown> }>; finish(): void } {
  let finish = () => {};
  const response = new Promise<{ status: number; body: Record<string, unknown> }>((resolve) => {
    const failed = () => resolve({ status: 0, body: {} });
    const req = request(
      `${origin}/api/v1/push`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length, authorization: `Bearer ${token}`, 'teachpoint-protocol': '1' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
        res.on('error', failed);
      },
    );
    req.on('error', failed);
    req.flushHeaders();
    req.write(body.subarray(0, firstBytes));
    finish = () => req.end(body.subarray(firstBytes));
  });
  return { response, finish: () => finish() };
}
