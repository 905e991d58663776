// Sync under chaos: 10,000 events pushed by the real client engine through ≥ 200 random cuts → lost 0, duplicated 0; wire bytes per event; idle sync cost.
//
// Usage: npm run bench -- sync-chaos [--events 10000] [--min-cuts 200] [--seed 20261201] [--batch-kib 16] [--rtt-ms 0] [--kbps 0] [--postgres]
// A real cloud on loopback (PGlite by default; --postgres: a throwaway durable PostgreSQL), one
// enrolled device, and the fault proxy (tests/faults/proxy.ts) between them, which sees every byte.
// The device is the real engine (sync/client/engine.ts: byte-bounded gzip batches, ack-then-clear,
// full-jitter backoff, reachability probe after a failure) over the fetch transport with an
// in-memory SyncStore (sync/client/testing/memory-store.ts, same rules as the Dexie store).
//  1. Clean push: 10,000 events through the proxy without faults (after a first small sync, so the
//     device has its pull cursor: the steady state of a school that syncs daily). bytesPerEvent =
//     every byte through the proxy both ways — HTTP request/status lines and headers, gzip bodies,
//     acks — ÷ 10,000 (TCP/IP headers below that are not counted). Also split into header bytes,
//     request bodies and answer bodies, and the JSON size before gzip.
//  2. Chaos push: another 10,000 events while the proxy cuts the link after every n bytes (n drawn
//     uniformly in [--cut-min, --cut-max], either direction, seeded) until ≥ --min-cuts cuts happened;
//     then the link heals and the engine finishes on its own. The engine's backoff timers run on a
//     virtual clock (fired at once, their sum reported as backoffSeconds) so the run takes seconds,
//     not the hours of real backoff. lost/duplicated: the cloud's events table vs the 20,000 generated.
//  3. Idle sync: nothing queued, nothing to pull → idleRoundTrips and idleBytes at the proxy.
// --rtt-ms / --kbps put the whole run on an emulated link (e.g. 600 ms round trips at 64 kbit/s per
// direction) — the byte figures stay the same, the seconds show what a teaching point waits.
// Last line: {"bench":"sync-chaos","events":10000,"lost":0,"duplicated":0,"bytesPerEvent":…,"cuts":…,"idleRoundTrips":…,"idleBytes":…}
// Targets: bytesPerEvent ≤ 60 (Kolibri 0.17 Morango ~122 B per record, PouchDB ~455 B per doc, measured
// through a byte-counting proxy), idleRoundTrips ≤ 2, idleBytes ≤ 2,000 (Kolibri: 28 requests, ~38 KB).
import { loadavg } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { uuidv7 } from '../../common/ids/uuidv7';
import { createSyncEngine, type SyncClock, type SyncEngine } from '../../sync/client/engine';
import { createFetchTransport } from '../../sync/client/fetch-transport';
import { realisticEvents } from '../../sync/client/testing/events';
import { MemorySyncStore } from '../../sync/client/testing/memory-store';
import { migrate } from '../../sync/server/db/migrate';
import type { Db } from '../../sync/server/db/db';
import { openPostgres } from '../../sync/server/db/postgres';
import { enrollDevice, freshDb, seedWorld, startTestCloud } from '../../sync/server/testing/harness';
import { startPostgres, type PostgresServer } from '../../sync/server/testing/postgres-server';
import { countStored } from '../faults/events';
import { seededRandom, startFaultProxy, type FaultProxy, type FaultProxyStats } from '../faults/proxy';
import { printResult } from './_harness';

const args = process.argv.slice(2);
const num = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const EVENTS = num('events', 10_000);
const MIN_CUTS = num('min-cuts', 200);
const SEED = num('seed', 20261201);
const BATCH_KIB = num('batch-kib', 16);
const CUT_MIN = num('cut-min', 200);
const CUT_MAX = num('cut-max', BATCH_KIB * 1024 + 2048);
const RTT_MS = num('rtt-ms', 0);
const KBPS = num('kbps', 0);
const usePostgres = args.includes('--postgres');

/** Bodies as the fetch transport sends and receives them (the proxy sees the same bytes plus headers). */
interface BodyCounts {
  requests: number;
  requestBodyBytes: number;
  requestJsonBytes: number;
  answerBodyBytes: number;
}

function countingFetch(counts: BodyCounts): typeof fetch {
  return async (input, init) => {
    counts.requests++;
    const body = init?.body;
    if (body instanceof Uint8Array) {
      counts.requestBodyBytes += body.byteLength;
      const gz = (init?.headers as Record<string, string> | undefined)?.['content-encoding'] === 'gzip';
      counts.requestJsonBytes += gz ? gunzipSync(body).byteLength : body.byteLength;
    } else if (typeof body === 'string') {
      counts.requestBodyBytes += Buffer.byteLength(body);
      counts.requestJsonBytes += Buffer.byteLength(body);
    }
    const res = await fetch(input, init);
    // Bytes as they came over the wire (before fetch undoes gzip): Content-Length of the answer.
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(length)) counts.answerBodyBytes += length;
    return res;
  };
}

/**
 * The engine's timers on a virtual clock: every timer fires on the next turn of the event loop and
 * its delay is added to `waitedMs` — so backoff is exercised (and measured) without waiting for it.
 */
function virtualClock(): SyncClock & { waitedMs: number } {
  let now = Date.now();
  const clock = {
    waitedMs: 0,
    now: () => now,
    setTimeout(fn: () => void, ms: number) {
      return setImmediate(() => {
        now += ms;
        clock.waitedMs += ms;
        fn();
      });
    },
    clearTimeout(handle: unknown) {
      clearImmediate(handle as NodeJS.Immediate);
    },
  };
  return clock;
}

/**
 * Runs the engine in the background (its own scheduling and retries) until a sync has finished with
 * the outbox empty and no error; `snapshot` runs at that moment, before anything else can happen.
 */
async function runUntilDrained<T>(engine: SyncEngine, snapshot: () => T): Promise<T> {
  // Let the previous run's bookkeeping finish (it ends with a store call, no network).
  await new Promise((r) => setImmediate(r));
  return new Promise((resolve) => {
    let synced = false;
    const unsubscribe = engine.subscribe((s) => {
      if (s.phase === 'syncing') synced = true;
      if (synced && s.phase === 'idle' && s.error === null && s.queuedEvents === 0 && s.queuedRecords === 0) {
        const taken = snapshot();
        engine.stop();
        unsubscribe();
        resolve(taken);
      }
    });
    engine.start();
  });
}

const diff = (a: FaultProxyStats, b: FaultProxyStats) => ({
  bytesUp: b.bytesUp - a.bytesUp,
  bytesDown: b.bytesDown - a.bytesDown,
  bytes: b.bytesUp + b.bytesDown - a.bytesUp - a.bytesDown,
  connections: b.connections - a.connections,
  cuts: b.cuts - a.cuts,
  roundTrips: b.roundTrips - a.roundTrips,
});

const load0 = loadavg()[0]!;
let pgServer: PostgresServer | undefined;
let db: Db;
if (usePostgres) {
  pgServer = await startPostgres(process.env, { durable: true });
  db = await openPostgres(await pgServer.createDatabase('chaos'));
  await migrate(db);
} else db = await freshDb('pglite');
// The bench retries far more often than a real device in a minute: lift the per-device rate limit.
const cloud = await startTestCloud(db, { limits: { deviceRequestsPerWindow: 1_000_000 } });
let proxy: FaultProxy | undefined;
try {
  const world = await seedWorld(cloud, ['甲县'], 1);
  const county = world.counties[0]!;
  const school = county.schools[0]!;
  const device = await enrollDevice(cloud, county.adminToken, school.id);
  proxy = await startFaultProxy({ upstream: cloud.url, seed: SEED, latencyMs: RTT_MS, bitsPerSecond: KBPS * 1000 });
  const bodies: BodyCounts = { requests: 0, requestBodyBytes: 0, requestJsonBytes: 0, answerBodyBytes: 0 };
  const store = new MemorySyncStore();
  const clock = virtualClock();
  const engine = createSyncEngine({
    store,
    transport: createFetchTransport({ baseUrl: proxy.origin, token: device.token, fetch: countingFetch(bodies) }),
    server: proxy.origin,
    clock,
    random: seededRandom(SEED + 1),
    maxWireBytes: BATCH_KIB * 1024,
    requestTimeoutMs: 30_000,
  });
  const learners = Array.from({ length: 24 }, () => uuidv7());
  const classId = uuidv7();
  const generated: string[] = [];
  const queue = (n: number) => {
    for (const e of realisticEvents(n, learners, classId)) {
      store.write('events', e);
      generated.push(e.id);
    }
  };

  // 0. First contact: a few events and the first pull, so the device holds its cursor.
  queue(10);
  await runUntilDrained(engine, () => null);

  // 1. Clean push.
  queue(EVENTS);
  const bodies0 = { ...bodies };
  let s0 = proxy.stats();
  let t0 = process.hrtime.bigint();
  const clean = diff(s0, await runUntilDrained(engine, () => proxy!.stats()));
  const cleanSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cleanBodies = {
    requestBodyBytes: bodies.requestBodyBytes - bodies0.requestBodyBytes,
    requestJsonBytes: bodies.requestJsonBytes - bodies0.requestJsonBytes,
    answerBodyBytes: bodies.answerBodyBytes - bodies0.answerBodyBytes,
  };
  const bytesPerEvent = clean.bytes / EVENTS;
  const headerBytes = clean.bytes - cleanBodies.requestBodyBytes - cleanBodies.answerBodyBytes;
  console.log(
    `clean push: ${EVENTS} events, ${clean.roundTrips} round trips, ${clean.bytes} B on the wire = ${bytesPerEvent.toFixed(1)} B/event ` +
      `(headers ${(headerBytes / EVENTS).toFixed(1)}, gzip request bodies ${(cleanBodies.requestBodyBytes / EVENTS).toFixed(1)}, answers ${(cleanBodies.answerBodyBytes / EVENTS).toFixed(1)}; JSON before gzip ${(cleanBodies.requestJsonBytes / EVENTS).toFixed(1)} B/event) in ${cleanSeconds.toFixed(1)} s`,
  );

  // 2. Chaos push.
  queue(EVENTS);
  s0 = proxy.stats();
  const waited0 = clock.waitedMs;
  t0 = process.hrtime.bigint();
  proxy.setFaults({ cutAfterBytes: { min: CUT_MIN, max: CUT_MAX } });
  let pushedWhileCutting = -1;
  const healer = setInterval(() => {
    if (proxy!.stats().cuts - s0.cuts >= MIN_CUTS) {
      proxy!.setFaults({ cutAfterBytes: null });
      pushedWhileCutting = EVENTS - store.outbox.size;
      clearInterval(healer);
    }
  }, 5);
  const chaos = diff(s0, await runUntilDrained(engine, () => proxy!.stats()));
  clearInterval(healer);
  proxy.setFaults({ cutAfterBytes: null });
  const chaosSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const backoffSeconds = (clock.waitedMs - waited0) / 1000;
  if (pushedWhileCutting < 0) pushedWhileCutting = EVENTS;
  console.log(
    `chaos push: ${EVENTS} events through ${chaos.cuts} cuts (${pushedWhileCutting} acked before the link healed), ${chaos.roundTrips} round trips on ${chaos.connections} connections, ` +
      `${chaos.bytes} B (${(chaos.bytes / EVENTS).toFixed(1)} B/event), engine backoff waits ${backoffSeconds.toFixed(0)} s (virtual), ${chaosSeconds.toFixed(1)} s`,
  );
  if (chaos.cuts < MIN_CUTS) console.log(`WARNING: only ${chaos.cuts} cuts happened (wanted ≥ ${MIN_CUTS}); lower --cut-max or raise --events`);

  // 3. Idle sync.
  s0 = proxy.stats();
  const idle = diff(s0, await runUntilDrained(engine, () => proxy!.stats()));
  const idleRun = engine.getStatus().lastRun!;
  console.log(`idle sync: ${idle.roundTrips} round trips, ${idle.bytes} B, ${idle.connections} new connection(s); engine counted ${idleRun.roundTrips} request(s)`);

  const check = await countStored(db, generated);
  const result = {
    bench: 'sync-chaos',
    events: EVENTS,
    lost: check.lost,
    duplicated: check.duplicated,
    unexpected: check.foreign,
    rejected: store.rejected.size,
    bytesPerEvent: +bytesPerEvent.toFixed(1),
    bytesPerEventMeasured: 'clean push of the events (after a first sync), all TCP payload both ways incl. HTTP headers, ÷ events',
    bytesPerEventSplit: {
      headers: +(headerBytes / EVENTS).toFixed(1),
      requestBodies: +(cleanBodies.requestBodyBytes / EVENTS).toFixed(1),
      answerBodies: +(cleanBodies.answerBodyBytes / EVENTS).toFixed(1),
      jsonBeforeGzip: +(cleanBodies.requestJsonBytes / EVENTS).toFixed(1),
    },
    cleanRoundTrips: clean.roundTrips,
    cuts: chaos.cuts,
    pushedWhileCutting,
    chaosRoundTrips: chaos.roundTrips,
    chaosBytesPerEvent: +(chaos.bytes / EVENTS).toFixed(1),
    backoffSeconds: +backoffSeconds.toFixed(0),
    idleRoundTrips: idle.roundTrips,
    idleBytes: idle.bytes,
    idleConnections: idle.connections,
    batchKiB: BATCH_KIB,
    link: { rttMs: RTT_MS, kbps: KBPS || null },
    cutRange: [CUT_MIN, CUT_MAX],
    seed: SEED,
    db: usePostgres ? 'postgres' : 'pglite',
    seconds: { clean: +cleanSeconds.toFixed(1), chaos: +chaosSeconds.toFixed(1) },
    baselines: { kolibriBytesPerRecord: 122, pouchdbBytesPerDoc: 455, kolibriIdleRequests: 28, kolibriIdleBytes: 38_000 },
    loadAvg: [+load0.toFixed(1), +loadavg()[0]!.toFixed(1)],
  };
  printResult(result);
  if (result.lost || result.duplicated || result.unexpected || result.rejected) process.exitCode = 1;
} finally {
  await proxy?.close();
  await cloud.close();
  await db.close();
  await pgServer?.stop();
}
