import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../common/ids/uuidv7';
import { backoffDelayMs, BACKOFF_CAP_MS } from '../protocol/backoff';
import { buildPushBatch } from './batch';
import { createSyncEngine, type SyncClock } from './engine';
import { gunzip, gzip, utf8 } from './gzip';
import { MemorySyncStore } from './testing/memory-store';
import { realisticEvents } from './testing/events';
import type { SyncTransport, SyncTransportResponse } from './transport';

/** A clock whose timers run only when the test advances it. */
function fakeClock() {
  let now = 1_000_000;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const clock: SyncClock & { advance(ms: number): Promise<void>; pending(): number[] } = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = next++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        for (let i = 0; i < 20; i++) await Promise.resolve();
        await new Promise((r) => setImmediate(r));
      }
      now = until;
    },
    pending: () => [...timers.values()].map((t) => t.at - now),
  };
  return clock;
}

const ok = (body: unknown): SyncTransportResponse => ({ status: 200, body, headers: {}, wireBytes: 100 });
const down: SyncTransportResponse = { status: 0, body: undefined, headers: {}, wireBytes: 0 };
const idlePull = { protocolVersion: 1, changes: {}, cursor: '7', more: false, serverTime: new Date().toISOString() };

/** Scripted server: each call takes the next answer (a function sees the request). */
function scripted(answers: ((path: string, body: unknown) => SyncTransportResponse)[]) {
  const calls: { path: string; body: unknown }[] = [];
  const transport: SyncTransport = {
    async request(path, body) {
      const parsed = body === null ? null : JSON.parse(body);
      calls.push({ path, body: parsed });
      const answer = answers.shift();
      if (!answer) throw new Error(`unexpected request ${path}`);
      return answer(path, parsed);
    },
  };
  return { transport, calls };
}

function ackAll(_path: string, body: unknown, cursor: string | null = null): SyncTransportResponse {
  const b = body as { batchId: string; events: unknown[] };
  return ok({ protocolVersion: 1, batchId: b.batchId, stored: b.events.length, duplicates: 0, rejected: [], cursor, serverTime: new Date().toISOString() });
}

describe('push batches', () => {
  it('stay under the wire bound, and gzip round-trips', async () => {
    const store = new MemorySyncStore();
    for (const e of realisticEvents(5000, [uuidv7(), uuidv7()], uuidv7())) store.write('events', e);
    const batch = await buildPushBatch(await store.peekOutbox(5000), { maxWireBytes: 16 * 1024 });
    expect(batch.wireBytes).toBeLessThanOrEqual(16 * 1024);
    expect(batch.itemCount).toBeGreaterThan(100);
    expect(batch.itemCount).toBeLessThan(5000);
    expect(new TextDecoder().decode(await gunzip(await gzip(utf8(batch.json))))).toBe(batch.json);
  });

  it('also stay under a bound on the uncompressed JSON', async () => {
    const store = new MemorySyncStore();
    for (const e of realisticEvents(3000, [uuidv7()], uuidv7())) store.write('events', e);
    const batch = await buildPushBatch(await store.peekOutbox(3000), { maxWireBytes: 64 * 1024, maxJsonBytes: 100 * 1024 });
    expect(new TextEncoder().encode(batch.json).byteLength).toBeLessThanOrEqual(100 * 1024);
    expect(batch.itemCount).toBeGreaterThan(100);
  });

  it('send a record edited twice once, covering both outbox rows; orphans are acked locally', async () => {
    const store = new MemorySyncStore();
    const learner = { id: uuidv7(), updatedAt: '2026-12-01T00:00:00.000Z', updatedBy: 'd' };
    const a = store.write('learners', learner);
    const b = store.write('learners', learner);
    const gone = store.write('classes', { id: 'gone' });
    store.tables.classes.delete('gone');
    const batch = await buildPushBatch(await store.peekOutbox(10));
    expect(batch.request.records.learners).toHaveLength(1);
    expect(batch.outboxIds.sort()).toEqual([a, b].sort());
    expect(batch.orphanIds).toEqual([gone]);
  });
});

describe('sync engine', () => {
  it('clears outbox rows only after the ack, sets rejected ones aside, and skips the pull when the ack carries a cursor', async () => {
    const store = new MemorySyncStore();
    const [e1, e2] = realisticEvents(2, [uuidv7()], uuidv7());
    store.write('events', e1!);
    const bad = store.write('events', e2!);
    let seenOutboxDuringRequest = -1;
    const { transport, calls } = scripted([
      (_p, body) => {
        seenOutboxDuringRequest = store.outbox.size;
        const b = body as { batchId: string };
        return ok({ protocolVersion: 1, batchId: b.batchId, stored: 1, duplicates: 0, rejected: [{ kind: 'events', id: e2!.id, code: 'push.invalid-item', message: { zh: '坏', en: 'bad' } }], cursor: '42', serverTime: new Date().toISOString() });
      },
    ]);
    const engine = createSyncEngine({ store, transport, server: 's', clock: fakeClock() });
    const result = await engine.syncNow();
    expect(result).toMatchObject({ ok: true, roundTrips: 1 });
    expect(seenOutboxDuringRequest).toBe(2);
    expect(store.outbox.size).toBe(0);
    expect(store.rejected.get(bad)).toBe('push.invalid-item');
    expect(await store.getCursor('s')).toBe('42');
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/push']);
  });

  it('keeps every row when the ack never comes, and pulls page after page while `more`', async () => {
    const store = new MemorySyncStore();
    store.write('events', realisticEvents(1, [uuidv7()], uuidv7())[0]!);
    const cut = scripted([() => down]);
    const engine = createSyncEngine({ store, transport: cut.transport, server: 's', clock: fakeClock() });
    expect((await engine.syncNow()).failure).toMatchObject({ code: 'sync.unreachable', retryable: true });
    expect(store.outbox.size).toBe(1);

    const pages = scripted([
      (p, b) => ackAll(p, b),
      () => ok({ ...idlePull, cursor: '1', more: true }),
      () => ok({ ...idlePull, cursor: '2', more: false }),
    ]);
    const again = createSyncEngine({ store, transport: pages.transport, server: 's', clock: fakeClock() });
    expect(await again.syncNow()).toMatchObject({ ok: true, roundTrips: 3 });
    expect((pages.calls[2]!.body as { cursor: string }).cursor).toBe('1');
    expect(await store.getCursor('s')).toBe('2');
  });

  it('hands pulled trust documents to the host before the pack releases of the same page', async () => {
    const store = new MemorySyncStore();
    const order: string[] = [];
    const now = new Date().toISOString();
    const release = { id: 'r1', packId: 'p', version: 1, title: { 'zh-CN': '数学' }, manifestSha256: 'a'.repeat(64), totalBytes: 1, releasedAt: now, updatedAt: now, deleted: false };
    const cert = { id: 'k1', kind: 'certificate', document: { format: 'teachpoint-cert/1' }, updatedAt: now, deleted: false };
    const { transport } = scripted([() => ok({ ...idlePull, changes: { packReleases: [release], trustedKeys: [cert] } })]);
    const engine = createSyncEngine({
      store,
      transport,
      server: 's',
      clock: fakeClock(),
      onTrustedKeys: async (docs) => void order.push(`trust:${docs.map((d) => d.id).join()}`),
      onPackReleases: async (rs) => void order.push(`releases:${rs.map((r) => r.id).join()}`),
    });
    expect(await engine.syncNow()).toMatchObject({ ok: true, pulledChanges: 2 });
    expect(order).toEqual(['trust:k1', 'releases:r1']);
    expect(store.packReleases.get('r1')).toMatchObject({ packId: 'p' });
  });

  it('backs off with full jitter (first retry ≤ 2 s, cap 10 min), probes with hello before resuming, and retries at once when the network returns', async () => {
    const clock = fakeClock();
    const store = new MemorySyncStore();
    const answers: ((p: string, b: unknown) => SyncTransportResponse)[] = [() => down, () => down, () => down];
    const { transport, calls } = scripted(answers);
    const engine = createSyncEngine({ store, transport, server: 's', clock, random: () => 0.999 });
    engine.start();
    await clock.advance(0);
    expect(engine.getStatus()).toMatchObject({ phase: 'retrying', failures: 1 });
    expect(clock.pending()[0]).toBeLessThanOrEqual(2000);
    await clock.advance(2000);
    expect(calls.at(-1)!.path).toBe('/api/v1/hello');
    expect(clock.pending()[0]).toBeGreaterThan(2000);
    expect(clock.pending()[0]).toBeLessThanOrEqual(4000);
    await clock.advance(4000);
    expect(engine.getStatus().failures).toBe(3);
    expect(backoffDelayMs(40, () => 0.999)).toBeLessThanOrEqual(BACKOFF_CAP_MS);

    answers.push(() => ok({ protocolVersion: 1 }), () => ok(idlePull));
    engine.networkReturned();
    await clock.advance(0);
    expect(calls.slice(-2).map((c) => c.path)).toEqual(['/api/v1/hello', '/api/v1/pull']);
    expect(engine.getStatus()).toMatchObject({ phase: 'idle', failures: 0, error: null });
    engine.stop();
  });

  it('retries at once, without escalating, after a cut that came after some progress', async () => {
    const clock = fakeClock();
    const store = new MemorySyncStore();
    for (const e of realisticEvents(3, [uuidv7()], uuidv7())) store.write('events', e);
    const tiny = (await buildPushBatch((await store.peekOutbox(1)), { status: { queuedEvents: 3, queuedRecords: 0 }, cursor: null })).wireBytes + 10; // one event per batch
    const answers: ((p: string, b: unknown) => SyncTransportResponse)[] = [() => down, () => down];
    const { transport, calls } = scripted(answers);
    const engine = createSyncEngine({ store, transport, server: 's', clock, random: () => 0.999, maxWireBytes: tiny });
    // gzip (CompressionStream) takes real time: let each run finish before the clock moves on.
    const settle = async () => {
      for (let i = 0; i < 500 && engine.getStatus().phase === 'syncing'; i++) await new Promise((r) => setTimeout(r, 2));
    };
    engine.start();
    await clock.advance(0);
    await settle();
    await clock.advance(2000);
    await settle();
    expect(engine.getStatus().failures).toBe(2);
    // Now the link carries one batch, then cuts again: the next attempt is due at once.
    answers.push(() => ok({ protocolVersion: 1 }), (p, b) => ackAll(p, b), () => down);
    await clock.advance(4000);
    await settle();
    expect(store.outbox.size).toBe(2);
    expect(engine.getStatus()).toMatchObject({ phase: 'retrying', failures: 1 });
    expect(clock.pending()[0]).toBe(0);
    answers.push((p, b) => ackAll(p, b), (p, b) => ackAll(p, b), () => ok(idlePull));
    await clock.advance(0);
    await settle();
    expect(store.outbox.size).toBe(0);
    expect(engine.getStatus()).toMatchObject({ phase: 'idle', failures: 0 });
    expect(calls.filter((c) => c.path === '/api/v1/push')).toHaveLength(5);
    engine.stop();
  });

  it("takes the server's Retry-After as a floor, and stops retrying by itself when a person must act", async () => {
    const clock = fakeClock();
    const store = new MemorySyncStore();
    const limited: SyncTransportResponse = { status: 429, body: { error: { code: 'rate.limited', message: { zh: '太频繁', en: 'too many' } } }, headers: { 'retry-after': '30' }, wireBytes: 10 };
    const revoked: SyncTransportResponse = { status: 401, body: { error: { code: 'auth.device-revoked', message: { zh: 'x', en: 'x' } } }, headers: {}, wireBytes: 10 };
    const { transport } = scripted([() => limited, () => revoked]);
    const engine = createSyncEngine({ store, transport, server: 's', clock, random: () => 0, intervalMs: 3_600_000 });
    engine.start();
    await clock.advance(0);
    expect(clock.pending()[0]).toBe(30_000);
    await clock.advance(30_000);
    expect(engine.getStatus()).toMatchObject({ phase: 'needs-person', error: { code: 'auth.device-revoked', retryable: false } });
    expect(engine.getStatus().error!.message.zh).toContain('新的登记码');
    expect(clock.pending()[0]).toBe(3_600_000);
    engine.stop();
  });
});
