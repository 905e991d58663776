import { describe, expect, it } from 'vitest';
import { ifRangeMatches, parseRangeHeader, planRangeResponse, type RangePlan } from './range';

const ETAG = `"${'a'.repeat(64)}"`;
const plan = (rangeHeader?: string | null, extra: Partial<Parameters<typeof planRangeResponse>[0]> = {}): RangePlan =>
  planRangeResponse({ method: 'GET', rangeHeader, size: 1000, etag: ETAG, ...extra });

function expectBytes(p: RangePlan, status: 200 | 206, start: number, end: number) {
  expect(p.status).toBe(status);
  if (p.status !== 200 && p.status !== 206) throw new Error('unreachable');
  expect([p.start, p.end, p.length]).toEqual([start, end, end - start + 1]);
  expect(p.headers['Content-Length']).toBe(String(end - start + 1));
  expect(p.headers['Accept-Ranges']).toBe('bytes');
  expect(p.headers.ETag).toBe(ETAG);
  if (status === 206) expect(p.headers['Content-Range']).toBe(`bytes ${start}-${end}/1000`);
  else expect(p.headers['Content-Range']).toBeUndefined();
}

describe('planRangeResponse', () => {
  it('no Range → 200 with the whole body', () => {
    const p = plan(undefined);
    expectBytes(p, 200, 0, 999);
    expect(p.body).toBe(true);
  });

  it('closed range → 206 with exactly those bytes', () => {
    expectBytes(plan('bytes=0-0'), 206, 0, 0);
    expectBytes(plan('bytes=10-19'), 206, 10, 19);
    expectBytes(plan('bytes=999-999'), 206, 999, 999);
  });

  it('open range runs to the end', () => {
    expectBytes(plan('bytes=500-'), 206, 500, 999);
    expectBytes(plan('bytes=0-'), 206, 0, 999);
  });

  it('end beyond the blob is clamped', () => {
    expectBytes(plan('bytes=990-5000'), 206, 990, 999);
    expectBytes(plan('bytes=0-99999999999999999999999'), 206, 0, 999);
  });

  it('suffix range is the last N bytes; longer than the blob → whole as 206', () => {
    expectBytes(plan('bytes=-100'), 206, 900, 999);
    expectBytes(plan('bytes=-1'), 206, 999, 999);
    expectBytes(plan('bytes=-5000'), 206, 0, 999);
  });

  it('tolerates case and whitespace the grammar allows', () => {
    expectBytes(plan('Bytes = 10 - 19'), 206, 10, 19);
    expectBytes(plan('bytes=10-19, '), 206, 10, 19);
  });

  it('start at or beyond the end → 416 with Content-Range */size', () => {
    for (const h of ['bytes=1000-', 'bytes=1000-2000', 'bytes=5000-6000', 'bytes=-0']) {
      const p = plan(h);
      expect(p.status, h).toBe(416);
      expect(p.headers['Content-Range']).toBe('bytes */1000');
      expect(p.body).toBe(false);
    }
  });

  it('malformed byte ranges → 416 (RFC 9110 §14.2)', () => {
    for (const h of ['bytes=', 'bytes=-', 'bytes=abc', 'bytes=5-2', 'bytes=1-2-3', 'bytes=0x10-20', 'bytes', 'bytes=1.5-2']) {
      expect(plan(h).status, h).toBe(416);
    }
  });

  it('unknown range unit → Range ignored, 200 full', () => {
    expectBytes(plan('items=0-5'), 200, 0, 999);
  });

  it('multiple ranges → whole blob (200), even when some are unsatisfiable', () => {
    expectBytes(plan('bytes=0-1,5-6'), 200, 0, 999);
    expectBytes(plan('bytes=0-1,5000-6000'), 200, 0, 999);
    // but a malformed element still makes the header invalid
    expect(plan('bytes=0-1,x').status).toBe(416);
  });

  it('If-Range with our strong ETag → range honoured', () => {
    expectBytes(plan('bytes=10-19', { ifRangeHeader: ETAG }), 206, 10, 19);
  });

  it('If-Range mismatch, weak ETag or date → 200 full', () => {
    for (const ifRange of [`"${'b'.repeat(64)}"`, `W/${ETAG}`, 'Wed, 21 Oct 2015 07:28:00 GMT', 'a'.repeat(64)]) {
      expectBytes(plan('bytes=10-19', { ifRangeHeader: ifRange }), 200, 0, 999);
    }
    // If-Range mismatch beats an unsatisfiable range too: the client wants the new representation
    expectBytes(plan('bytes=5000-', { ifRangeHeader: '"other"' }), 200, 0, 999);
  });

  it('If-Range without Range changes nothing', () => {
    expectBytes(plan(undefined, { ifRangeHeader: '"other"' }), 200, 0, 999);
  });

  it('HEAD → headers of the full response, no body, Range ignored', () => {
    const p = plan('bytes=10-19', { method: 'HEAD' });
    expect(p.status).toBe(200);
    expect(p.body).toBe(false);
    expect(p.headers['Content-Length']).toBe('1000');
  });

  it('other methods → 405 with Allow', () => {
    const p = plan(undefined, { method: 'POST' });
    expect(p.status).toBe(405);
    expect(p.headers.Allow).toBe('GET, HEAD');
  });

  it('empty blob: 200 with zero length; any range is unsatisfiable', () => {
    const p = plan(undefined, { size: 0 });
    expect(p.status).toBe(200);
    if (p.status === 200) expect(p.length).toBe(0);
    expect(plan('bytes=0-', { size: 0 }).status).toBe(416);
    expect(plan('bytes=-5', { size: 0 }).status).toBe(416);
  });

  it('rejects a nonsensical size', () => {
    expect(() => plan(undefined, { size: -1 })).toThrow(RangeError);
    expect(() => plan(undefined, { size: 1.5 })).toThrow(RangeError);
  });
});

describe('parseRangeHeader / ifRangeMatches', () => {
  it('reports why a header was ignored', () => {
    expect(parseRangeHeader(null, 10)).toEqual({ kind: 'none' });
    expect(parseRangeHeader('items=1-2', 10)).toEqual({ kind: 'ignored', reason: 'unit' });
    expect(parseRangeHeader('bytes=1-2,4-5', 10)).toEqual({ kind: 'ignored', reason: 'multiple' });
    expect(parseRangeHeader('bytes=20-', 10)).toEqual({ kind: 'unsatisfiable' });
  });

  it('strong comparison only', () => {
    expect(ifRangeMatches(undefined, '"x"')).toBe(true);
    expect(ifRangeMatches('"x"', '"x"')).toBe(true);
    expect(ifRangeMatches(' "x" ', '"x"')).toBe(true);
    expect(ifRangeMatches('W/"x"', '"x"')).toBe(false);
    expect(ifRangeMatches('"x"', 'W/"x"')).toBe(false);
  });
});
