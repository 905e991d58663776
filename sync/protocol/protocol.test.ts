import { describe, expect, it } from 'vitest';
import {
  EnrollRequestSchema,
  ErrorBodySchema,
  PROTOCOL_VERSION,
  PullResponseSchema,
  PushAckSchema,
  PushRequestSchema,
  SYNC_ERROR_CODES,
  isRetryable,
  type PushRequest,
} from './index';

describe('sync protocol wire types', () => {
  it('normalises enrollment codes and refuses look-alike characters', () => {
    const ok = EnrollRequestSchema.parse({ protocolVersion: 1, code: ' abcd-efgh-jkm2 ', device: { name: '教师机' } });
    expect(ok.code).toBe('ABCDEFGHJKM2');
    expect(EnrollRequestSchema.safeParse({ protocolVersion: 1, code: 'ABCD-EFGH-JKL0', device: { name: 'x' } }).success).toBe(false);
    expect(EnrollRequestSchema.safeParse({ protocolVersion: 1, code: 'ABCD-EFGH', device: { name: 'x' } }).success).toBe(false);
  });

  it('keeps push items unvalidated in the envelope so one bad item cannot fail a batch', () => {
    const typed: PushRequest = { protocolVersion: PROTOCOL_VERSION, batchId: 'b1', events: [], records: {} };
    expect(PushRequestSchema.parse(typed)).toEqual({ ...typed, events: [], records: {} });
    const parsed = PushRequestSchema.parse({ protocolVersion: 1, batchId: 'b2', events: [{ nonsense: true }] });
    expect(parsed.events).toHaveLength(1);
    expect(PushRequestSchema.safeParse({ protocolVersion: 1, events: [] }).success).toBe(false);
    expect(PushRequestSchema.safeParse({ protocolVersion: 'one', batchId: 'b', events: [] }).success).toBe(false);
  });

  it('validates acks, pull pages and error bodies', () => {
    expect(PushAckSchema.safeParse({ protocolVersion: 1, batchId: 'b', stored: 1, duplicates: 0, rejected: [{ kind: 'events', id: 'x', code: 'push.invalid-item', message: { zh: '坏', en: 'bad' } }], cursor: null, serverTime: '2026-01-01T00:00:00Z' }).success).toBe(true);
    expect(PushAckSchema.safeParse({ protocolVersion: 1, batchId: 'b', stored: 1, duplicates: 0, rejected: [{ kind: 'events', id: 'x', code: 'made-up', message: { zh: '', en: '' } }], cursor: null, serverTime: '2026-01-01T00:00:00Z' }).success).toBe(false);
    expect(PullResponseSchema.parse({ protocolVersion: 1, changes: {}, cursor: '7', more: false, serverTime: '2026-01-01T00:00:00Z' }).changes).toEqual({});
    expect(ErrorBodySchema.safeParse({ error: { code: 'rate.limited', message: { zh: '太快', en: 'slow down' } } }).success).toBe(true);
  });

  it('retries transient failures only', () => {
    expect(isRetryable(429, 'rate.limited')).toBe(true);
    expect(isRetryable(503)).toBe(true);
    expect(isRetryable(500, 'server.internal')).toBe(true);
    expect(isRetryable(401, 'auth.device-revoked')).toBe(false);
    expect(isRetryable(413, 'push.too-large')).toBe(false);
    expect(isRetryable(400, 'protocol.bad-request')).toBe(false);
    for (const [code, status] of Object.entries(SYNC_ERROR_CODES)) expect(status, code).toBeGreaterThanOrEqual(400);
  });
});
