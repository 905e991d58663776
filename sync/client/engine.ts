/**
 * The device's sync engine (DESIGN §5, docs/sync-protocol.md): pushes the outbox in byte-bounded
 * gzip batches, clears rows only after the ack, pulls server-owned records with a cursor, hands
 * pack releases to the host downloader, and keeps trying — full-jitter backoff after failures, an
 * active reachability probe (`GET /api/v1/hello`) before resuming, an immediate attempt when the
 * network returns. It runs wherever a `SyncStore` and a `SyncTransport` exist: the renderer (Dexie +
 * the host's `sync.request`), tests and benches (in-memory store + fetch on loopback).
 *
 * Priorities: P0 progress events go first (the store peeks them before P1 records), records and
 * manifests (pull) next; P2 bulk content is the host's downloader, capped during class hours.
 */
import type { LocalizedText } from '../../common/errors/errors';
import {
  API_PREFIX,
  DEVICE_ROUTES,
  LIMITS,
  PROTOCOL_VERSION,
  PullResponseSchema,
  PushAckSchema,
  type DeviceStatus,
  type PackRelease,
  type PullRequest,
  type SyncStore,
  type TrustedKey,
} from '../protocol/index';
import { backoffDelayMs } from '../protocol/backoff';
import { buildPushBatch, itemKey, DEFAULT_MAX_WIRE_BYTES } from './batch';
import { clientFailure, failureFromResponse, type SyncFailure } from './errors';
import type { SyncTransport, SyncTransportResponse } from './transport';

export interface SyncClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: SyncClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SyncEngineOptions {
  store: SyncStore;
  transport: SyncTransport;
  /** Names the server for its cursor (`SyncStore.getCursor(server)`): the cloud URL, or a hub's. */
  server: string;
  clock?: SyncClock;
  /** Uniform [0, 1): the backoff jitter. */
  random?: () => number;
  /** Push batch bound on the wire (gzip), default 48 KiB; the protocol's range is 16–64 KiB. */
  maxWireBytes?: number;
  /** Bound on a batch's uncompressed JSON (the app's bridge carries at most 1 MiB per call). */
  maxJsonBytes?: number;
  /** Hard timeout per request (default 30 s: a 64 KiB batch at 64 kbit/s takes ~8 s). */
  requestTimeoutMs?: number;
  /** Background sync period while all is well (default 5 min). */
  intervalMs?: number;
  /** Wait after `nudge()` before syncing, so a child's burst of answers goes up as one batch (default 5 s). */
  nudgeDelayMs?: number;
  /** What the device says about itself on push/pull (installed packs, bytes to download, app version). */
  deviceStatus?: () => Promise<DeviceStatus>;
  /**
   * Pack releases pulled (and already stored): hand them to the host's downloader (P2). Called after
   * the page is applied; a failure here is reported but does not undo the pull (the app offers the
   * stored releases again at start).
   */
  onPackReleases?: (releases: PackRelease[]) => Promise<void>;
  /**
   * Trust documents pulled (county certificates, revocation lists; already stored): hand them to the
   * host, which keeps each only if the device's own roots signed it. Called before `onPackReleases`
   * of the same page, so a pack signed by a newly certified county verifies when it downloads.
   */
  onTrustedKeys?: (documents: TrustedKey[]) => Promise<void>;
}

export type SyncPhase = 'idle' | 'syncing' | 'retrying' | 'needs-person' | 'stopped';

export interface SyncEngineStatus {
  phase: SyncPhase;
  /** Last time a sync finished with everything exchanged (ms since epoch). */
  lastSyncAt: number | null;
  lastAttemptAt: number | null;
  /** When the next automatic attempt is due (retry or periodic). */
  nextAttemptAt: number | null;
  queuedEvents: number;
  queuedRecords: number;
  /** The last failure, cleared by the next successful sync. */
  error: { code: string; message: LocalizedText; retryable: boolean } | null;
  /** Consecutive failed attempts (drives the backoff). */
  failures: number;
  /** The last run's cost: requests made and bytes on the wire both ways. */
  lastRun: { roundTrips: number; wireBytes: number; pushedItems: number; pulledChanges: number } | null;
}

export interface SyncRunResult {
  ok: boolean;
  roundTrips: number;
  wireBytes: number;
  pushedItems: number;
  pulledChanges: number;
  failure?: SyncFailure;
}

export interface SyncEngine {
  /** Run one sync now (joins a running one, then runs once more so nothing written meanwhile waits). */
  syncNow(): Promise<SyncRunResult>;
  /** Start background syncing: one attempt now, then periodic, with backoff after failures. */
  start(): void;
  stop(): void;
  /** Something was written (a child answered): sync soon. */
  nudge(): void;
  /** The browser says the network is back: probe and sync at once, forgetting the backoff. */
  networkReturned(): void;
  getStatus(): SyncEngineStatus;
  subscribe(listener: (status: SyncEngineStatus) => void): () => void;
}

/** Raised inside a run to stop it with a failure. */
class RunFailed extends Error {
  constructor(readonly failure: SyncFailure) {
    super(failure.code);
  }
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { store, transport, server } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const maxWireBytes = options.maxWireBytes ?? DEFAULT_MAX_WIRE_BYTES;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 5 * 60_000;
  const nudgeDelayMs = options.nudgeDelayMs ?? 5_000;

  let status: SyncEngineStatus = {
    phase: 'stopped',
    lastSyncAt: null,
    lastAttemptAt: null,
    nextAttemptAt: null,
    queuedEvents: 0,
    queuedRecords: 0,
    error: null,
    failures: 0,
    lastRun: null,
  };
  const listeners = new Set<(s: SyncEngineStatus) => void>();
  let running: Promise<SyncRunResult> | null = null;
  let again = false;
  let started = false;
  let timer: unknown = null;
  /** After a failure the next attempt probes reachability first (cheap `hello`). */
  let probeFirst = false;

  function update(patch: Partial<SyncEngineStatus>): void {
    status = { ...status, ...patch };
    for (const l of listeners) l(status);
  }

  async function refreshCounts(): Promise<void> {
    const counts = await store.countOutbox();
    update({ queuedEvents: counts.events, queuedRecords: counts.records });
  }

  function schedule(delayMs: number): void {
    if (!started) return;
    if (timer !== null) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => {
      timer = null;
      void syncNow();
    }, delayMs);
    update({ nextAttemptAt: clock.now() + delayMs });
  }

  async function deviceStatus(): Promise<DeviceStatus> {
    const base = options.deviceStatus ? await options.deviceStatus() : {};
    const counts = await store.countOutbox();
    return { ...base, queuedEvents: counts.events, queuedRecords: counts.records };
  }

  async function run(): Promise<SyncRunResult> {
    const result: SyncRunResult = { ok: false, roundTrips: 0, wireBytes: 0, pushedItems: 0, pulledChanges: 0 };

    async function exchange(path: string, body: string | null, gzip: boolean): Promise<SyncTransportResponse> {
      result.roundTrips += 1;
      const response = await transport.request(`${API_PREFIX}${path}`, body, { gzip, timeoutMs });
      result.wireBytes += response.wireBytes;
      if (response.status < 200 || response.status >= 300) throw new RunFailed(failureFromResponse(response, clock.now()));
      return response;
    }

    try {
      if (probeFirst) {
        // Active reachability probe: only after a failure, so a healthy idle sync stays one round trip.
        await exchange(DEVICE_ROUTES.hello, null, false);
        probeFirst = false;
      }
      let cursor = await store.getCursor(server);
      let pullNeeded = true;

      // P0/P1: push until the outbox is empty (each batch acked before its rows go).
      for (;;) {
        const items = await store.peekOutbox(LIMITS.pushMaxItems);
        if (items.length === 0) break;
        const batch = await buildPushBatch(items, { maxWireBytes, ...(options.maxJsonBytes ? { maxJsonBytes: options.maxJsonBytes } : {}), cursor, status: await deviceStatus() });
        if (batch.orphanIds.length > 0) await store.ackOutbox(batch.orphanIds);
        if (batch.itemCount === 0) continue;
        const response = await exchange(DEVICE_ROUTES.push, batch.json, true);
        const ack = PushAckSchema.safeParse(response.body);
        if (!ack.success || ack.data.batchId !== batch.request.batchId) throw new RunFailed(clientFailure('sync.bad-answer', response.status));
        const rejected = new Map<string, string>();
        for (const r of ack.data.rejected) {
          // `#<index>` names an item without a usable id: map it back by position in its kind's array.
          let id = r.id;
          if (id.startsWith('#')) {
            const list: unknown[] = r.kind === 'events' ? batch.request.events : (batch.request.records[r.kind] ?? []);
            id = (list[Number(id.slice(1))] as { id?: string } | undefined)?.id ?? id;
          }
          for (const outboxId of batch.itemRows.get(itemKey(r.kind, id)) ?? []) rejected.set(outboxId, r.code);
        }
        if (rejected.size > 0) await store.rejectOutbox([...rejected].map(([outboxId, code]) => ({ outboxId, code })));
        await store.ackOutbox(batch.outboxIds.filter((id) => !rejected.has(id)));
        result.pushedItems += batch.itemCount;
        // The ack says whether a pull would find anything: a non-null cursor means nothing new.
        if (ack.data.cursor !== null) {
          await store.applyPull(server, {}, ack.data.cursor);
          cursor = ack.data.cursor;
          pullNeeded = false;
        } else pullNeeded = true;
        await refreshCounts();
      }

      // P1: pull pages until the server has no more.
      while (pullNeeded) {
        const request: PullRequest = { protocolVersion: PROTOCOL_VERSION, cursor, limit: LIMITS.pullDefaultLimit, status: await deviceStatus() };
        const response = await exchange(DEVICE_ROUTES.pull, JSON.stringify(request), false);
        const page = PullResponseSchema.safeParse(response.body);
        if (!page.success) throw new RunFailed(clientFailure('sync.bad-answer', response.status));
        await store.applyPull(server, page.data.changes, page.data.cursor);
        cursor = page.data.cursor;
        for (const list of Object.values(page.data.changes)) result.pulledChanges += Array.isArray(list) ? list.length : 0;
        const trust = page.data.changes.trustedKeys ?? [];
        if (trust.length > 0 && options.onTrustedKeys) await options.onTrustedKeys(trust);
        const releases = page.data.changes.packReleases ?? [];
        if (releases.length > 0 && options.onPackReleases) await options.onPackReleases(releases);
        pullNeeded = page.data.more;
      }
      result.ok = true;
    } catch (err) {
      result.failure = err instanceof RunFailed ? err.failure : { ...clientFailure('sync.bad-answer'), message: { zh: `同步出错：${String(err)}。会自动重试。`, en: `Sync failed: ${String(err)}. It will retry.` } };
    }
    return result;
  }

  function finish(result: SyncRunResult): void {
    const lastRun = { roundTrips: result.roundTrips, wireBytes: result.wireBytes, pushedItems: result.pushedItems, pulledChanges: result.pulledChanges };
    if (result.ok) {
      update({ phase: started ? 'idle' : 'stopped', lastSyncAt: clock.now(), error: null, failures: 0, lastRun, nextAttemptAt: null });
      schedule(intervalMs);
      return;
    }
    const failure = result.failure!;
    // A run that moved items before it failed (a cut mid-sync) saw a working link: retry at once
    // from the first backoff step instead of escalating — with random cuts, escalating after every
    // cut would spend a school's few usable minutes waiting.
    const madeProgress = result.pushedItems > 0 || result.pulledChanges > 0;
    const failures = madeProgress ? 1 : status.failures + 1;
    const error = { code: failure.code, message: failure.message, retryable: failure.retryable };
    if (failure.retryable) {
      probeFirst = failure.status === 0 && !madeProgress;
      update({ phase: started ? 'retrying' : 'stopped', error, failures, lastRun });
      schedule(madeProgress ? failure.retryAfterMs : backoffDelayMs(failures - 1, random, failure.retryAfterMs));
    } else {
      // A person must act (re-enroll, update the app): no automatic retries; the periodic timer still
      // looks again in case it was fixed elsewhere (e.g. the cloud was updated).
      update({ phase: started ? 'needs-person' : 'stopped', error, failures, lastRun });
      schedule(intervalMs);
    }
  }

  function syncNow(): Promise<SyncRunResult> {
    if (running) {
      again = true;
      return running;
    }
    update({ phase: 'syncing', lastAttemptAt: clock.now() });
    running = (async () => {
      let result: SyncRunResult;
      do {
        again = false;
        result = await run();
        finish(result);
      } while (again && result.ok);
      await refreshCounts().catch(() => undefined);
      running = null;
      return result;
    })();
    return running;
  }

  return {
    syncNow,
    start() {
      if (started) return;
      started = true;
      update({ phase: 'idle' });
      void refreshCounts().catch(() => undefined);
      schedule(0);
    },
    stop() {
      started = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      update({ phase: 'stopped', nextAttemptAt: null });
    },
    nudge() {
      void refreshCounts().catch(() => undefined);
      if (!started || running) {
        if (running) again = true;
        return;
      }
      const due = status.nextAttemptAt;
      // Never postpone an attempt that is due sooner, and never jump ahead of a backoff.
      if (status.phase === 'idle' && (due === null || due - clock.now() > nudgeDelayMs)) schedule(nudgeDelayMs);
    },
    networkReturned() {
      if (!started) return;
      update({ failures: 0 });
      probeFirst = true;
      schedule(0);
    },
    getStatus: () => status,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
