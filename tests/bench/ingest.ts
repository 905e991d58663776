// Cloud ingest: batched gzip pushes from 50 simulated devices over HTTP → events/s on PGlite and on PostgreSQL, vs direct SQL inserts.
//
// Usage: npm run bench -- ingest [--devices 50] [--batch 250] [--pglite-events 50000] [--pg-events 150000] [--no-postgres]
// Per database kind: a fresh database and a cloud app on loopback (the real routes: device auth,
// DB rate limit, envelope + per-event zod validation, ON CONFLICT DO NOTHING insert, device status,
// all in one transaction per push). 50 devices in 10 schools each push their batches in order,
// all devices at once; bodies are gzipped before the clock starts (as a client would have them
// ready). 5% of batches are sent twice (a lost ack) — acknowledged as duplicates.
// Baseline in the same run: the same batches inserted by direct SQL (one INSERT … jsonb_to_recordset
// … ON CONFLICT DO NOTHING per batch, one connection, no HTTP, no validation): the database's ceiling.
// Afterwards the events table must hold every event exactly once (lost 0, duplicated 0).
// Last line: {"bench":"ingest","pgliteEventsPerSec":…,"postgresEventsPerSec":…,…}
// Targets: pglite ≥ 5,000/s, postgres ≥ 20,000/s (anchors: an LRS at 3,160 statements/s; PowerSync 2,000–4,000 ops/s).
// PostgreSQL runs durable (fsync, synchronous_commit on) in a temp dir; needs its binaries (scripts/setup-system.sh).
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { uuidv7 } from '../../common/ids/uuidv7';
import type { ProgressEvent } from '../../common/records/records';
import { migrate } from '../../sync/server/db/migrate';
import type { Db } from '../../sync/server/db/db';
import { openPglite } from '../../sync/server/db/pglite';
import { openPostgres } from '../../sync/server/db/postgres';
import { call, enrollDevice, expectOk, pgliteTemplate, seedWorld, startTestCloud } from '../../sync/server/testing/harness';
import { postgresBinDir, startPostgres } from '../../sync/server/testing/postgres-server';
import { printResult } from './_harness';

const args = process.argv.slice(2);
const num = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const DEVICES = num('devices', 50);
const BATCH = num('batch', 250);
const PGLITE_EVENTS = num('pglite-events', 50_000);
const PG_EVENTS = num('pg-events', 150_000);
const withPostgres = !args.includes('--no-postgres');

const VERBS = ['answered', 'answered', 'answered', 'viewed', 'completed', 'progressed'] as const;
function makeEvents(n: number, device: number, t0: number): ProgressEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const verb = VERBS[i % VERBS.length]!;
    return {
      id: uuidv7(),
      learnerId: `learner-${device}-${i % 12}`,
      classId: `class-${device}`,
      verb,
      objectId: `pack-yw-1a/set-${i % 9}/item-${i % 17}`,
      packId: 'pack-yw-1a',
      createdAt: new Date(t0 + i * 1500).toISOString(),
      ...(verb === 'answered' ? { result: { success: i % 3 !== 0, score: i % 3 ? 1 : 0, response: String.fromCharCode(65 + (i % 4)), durationMs: 2000 + (i % 50) * 97 } } : {}),
      ...(verb === 'progressed' ? { result: { position: i % 600 } } : {}),
    } as ProgressEvent;
  });
}

interface Plan {
  devices: { token: string; bodies: Buffer[] }[];
  batches: ProgressEvent[][];
  total: number;
  wireBytes: number;
}

async function runKind(kind: 'pglite' | 'postgres', db: Db, baselineDb: Db, totalEvents: number) {
  const cloud = await startTestCloud(db, { limits: { deviceRequestsPerWindow: 1_000_000, enrollAttemptsPerWindow: 1000, loginAttemptsPerWindow: 1000 } });
  const world = await seedWorld(cloud, ['甲县', '乙县'], 5);
  const schools = world.counties.flatMap((c) => c.schools.map((s) => ({ id: s.id, token: c.adminToken })));
  const perDevice = Math.ceil(totalEvents / DEVICES / BATCH);
  const plan: Plan = { devices: [], batches: [], total: 0, wireBytes: 0 };
  for (let d = 0; d < DEVICES; d++) {
    const school = schools[d % schools.length]!;
    const { token } = await enrollDevice(cloud, school.token, school.id, `PC-${d}`);
    const bodies: Buffer[] = [];
    for (let b = 0; b < perDevice; b++) {
      const events = makeEvents(BATCH, d, Date.parse('2026-05-01T08:00:00Z') + b * 1e6);
      plan.batches.push(events);
      plan.total += events.length;
      const body = gzipSync(JSON.stringify({ protocolVersion: 1, batchId: uuidv7(), events, status: { queuedEvents: (perDevice - b - 1) * BATCH } }));
      plan.wireBytes += body.length;
      bodies.push(body);
      if ((d * perDevice + b) % 20 === 7) bodies.push(body); // a lost ack: the batch is sent again
    }
    plan.devices.push({ token, bodies });
  }
  const requests = plan.devices.reduce((n, d) => n + d.bodies.length, 0);

  // Warm up (JIT, connections, plans) with one tiny push per device, not timed.
  await Promise.all(plan.devices.map((d) => expectOk(call(cloud.url, 'POST', '/api/v1/push', { protocolVersion: 1, batchId: 'warm', events: [] }, d.token))));

  let stored = 0;
  let duplicates = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    plan.devices.map(async (d) => {
      for (const body of d.bodies) {
        const res = await fetch(`${cloud.url}/api/v1/push`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${d.token}`, 'teachpoint-protocol': '1' },
          body: new Uint8Array(body),
        });
        const ack = (await res.json()) as { stored: number; duplicates: number; rejected: unknown[] };
        if (res.status !== 200 || ack.rejected.length) throw new Error(`push failed: ${res.status} ${JSON.stringify(ack).slice(0, 300)}`);
        stored += ack.stored;
        duplicates += ack.duplicates;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const check = await db.query<{ n: string; d: string }>('SELECT count(*)::text AS n, count(DISTINCT id)::text AS d FROM events');
  const inDb = Number(check.rows[0]!.n);
  await cloud.close();

  // Baseline: the same batches straight into the database.
  const bStart = process.hrtime.bigint();
  for (const events of plan.batches) {
    await baselineDb.query(
      `INSERT INTO events (id, school_id, device_id, learner_id, class_id, verb, object_id, pack_id, created_at, result)
       SELECT e.id, 's', 'd', e."learnerId", e."classId", e.verb, e."objectId", e."packId", e."createdAt", e.result
         FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, "learnerId" text, "classId" text, verb text, "objectId" text, "packId" text, "createdAt" timestamptz, result jsonb)
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(events)],
    );
  }
  const baselineSeconds = Number(process.hrtime.bigint() - bStart) / 1e9;
  const result = {
    events: plan.total,
    requests,
    seconds: +seconds.toFixed(2),
    eventsPerSec: Math.round(plan.total / seconds),
    requestsPerSec: Math.round(requests / seconds),
    wireBytesPerEvent: +(plan.wireBytes / plan.total).toFixed(1),
    baselineDirectSqlEventsPerSec: Math.round(plan.total / baselineSeconds),
    ratioVsDirectSql: +(baselineSeconds / seconds).toFixed(2),
    lost: plan.total - Number(check.rows[0]!.d),
    duplicated: inDb - Number(check.rows[0]!.d),
    storedAcked: stored,
    duplicatesAcked: duplicates,
  };
  console.log(`${kind}: ${result.events} events in ${result.requests} pushes, ${result.seconds} s → ${result.eventsPerSec} events/s (${result.requestsPerSec} req/s); direct SQL ${result.baselineDirectSqlEventsPerSec}/s; lost ${result.lost}, duplicated ${result.duplicated}`);
  return result;
}

const load0 = loadavg()[0]!;
const out: Record<string, unknown> = { bench: 'ingest', devices: DEVICES, batch: BATCH };

{
  const template = await pgliteTemplate();
  const db = await openPglite(undefined, { loadDataDir: template });
  const base = await openPglite(undefined, { loadDataDir: template });
  const r = await runKind('pglite', db, base, PGLITE_EVENTS);
  await db.close();
  await base.close();
  out.pgliteEventsPerSec = r.eventsPerSec;
  out.pglite = r;
}

if (withPostgres && postgresBinDir()) {
  const server = await startPostgres(process.env, { durable: true });
  try {
    const db = await openPostgres(await server.createDatabase('ingest'), { max: 20 });
    const base = await openPostgres(await server.createDatabase('ingestbase'), { max: 1 });
    await migrate(db);
    await migrate(base);
    const r = await runKind('postgres', db, base, PG_EVENTS);
    await db.close();
    await base.close();
    out.postgresEventsPerSec = r.eventsPerSec;
    out.postgres = r;
  } finally {
    await server.stop();
  }
} else {
  out.postgresEventsPerSec = null;
  out.postgresSkipped = withPostgres ? 'PostgreSQL binaries not found (scripts/setup-system.sh)' : '--no-postgres';
}
out.loadAvg = [+load0.toFixed(1), +loadavg()[0]!.toFixed(1)];
printResult(out as Record<string, unknown> & { bench: string });
