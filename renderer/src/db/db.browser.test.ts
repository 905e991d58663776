import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { isUuidv7, uuidv7 } from '../../../common/ids/uuidv7';
import { TeachPointDB } from './db';
import { ackOutbox, appendEvent, applyIncomingRecords, loadOutboxRecords, nextOutboxBatch, noteOutboxAttempt, pendingOutboxCount, writeWithOutbox } from './outbox';
import { CURRENT_VERSION, DEVICE_ID_SETTING, SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, type LegacyLearner, type Learner, type ProgressEvent } from './schema';

// Real Chromium, real IndexedDB. Each test uses its own database name and deletes it afterwards.
const opened: Dexie[] = [];
let counter = 0;
function freshName(): string {
  return `tp-test-${Date.now()}-${counter++}`;
}
function track<T extends Dexie>(db: T): T {
  opened.push(db);
  return db;
}

afterEach(async () => {
  const dbs = opened.splice(0);
  for (const db of dbs) db.close();
  for (const name of new Set(dbs.map((db) => db.name))) await Dexie.delete(name);
});

/** A learner as v1/v2 stored it. */
function legacyLearner(name: string, avatar = 'panda'): LegacyLearner {
  const now = new Date().toISOString();
  return { id: uuidv7(), name, avatar, createdAt: now, updatedAt: now };
}

function learner(name: string): Learner {
  const now = new Date().toISOString();
  return {
    id: uuidv7(), name, avatar: 'panda', classId: null, picturePassword: null, archived: false,
    createdAt: now, updatedAt: now, updatedBy: 'device:test', origin: 'device', deleted: false,
  };
}

/** A v1/v2 event (no classId). */
function legacyEvent(learnerId: string, objectId: string): Omit<ProgressEvent, 'classId'> {
  return { id: uuidv7(), learnerId, verb: 'answered', objectId, packId: 'p1', createdAt: new Date().toISOString(), result: { success: true } };
}

describe('TeachPointDB (real IndexedDB)', () => {
  it('opens with strict durability on every transaction', async () => {
    const db = track(new TeachPointDB(freshName(), { onVersionChange: () => {} }));
    await db.open();
    const durability = await db.transaction('rw', db.settings, (tx) => (tx.idbtrans as IDBTransaction & { durability?: string }).durability);
    expect(durability).toBe('strict');
    const readDurability = await db.transaction('r', db.learners, (tx) => (tx.idbtrans as IDBTransaction & { durability?: string }).durability);
    expect(readDurability).toBe('strict');
  });

  it('has the current schema: tables, primary keys and indexes', async () => {
    const db = track(new TeachPointDB(freshName(), { onVersionChange: () => {} }));
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    expect(db.tables.map((t) => t.name).sort()).toEqual(['assignments', 'catalog', 'classes', 'events', 'learners', 'outbox', 'outboxRejected', 'packReleases', 'settings', 'trustedKeys']);
    expect(db.outbox.schema.primKey.keyPath).toBe('id');
    expect(db.outbox.schema.indexes.map((i) => i.name).sort()).toEqual(['[priority+id]', 'table']);
    expect(db.events.schema.indexes.map((i) => i.name).sort()).toEqual(['[learnerId+objectId]', 'classId', 'learnerId', 'objectId']);
    expect(db.learners.schema.indexes.map((i) => i.name).sort()).toEqual(['classId', 'name']);
    expect(db.assignments.schema.indexes.map((i) => i.name).sort()).toEqual(['classId']);
    expect(db.catalog.schema.indexes.map((i) => i.name).sort()).toEqual(['[packId+order]', '[subject+grade]', 'packId']);
    expect(db.settings.schema.primKey.keyPath).toBe('key');
    // Raw IndexedDB agrees (Dexie stores version × 10).
    const idb = db.backendDB();
    expect(idb.version).toBe(CURRENT_VERSION * 10);
    expect([...idb.transaction('outbox').objectStore('outbox').indexNames].sort()).toEqual(['[priority+id]', 'table']);
  });

  it('migrates v1 → v3: keeps every record, backfills outbox priority, reshapes learners, classId on events', async () => {
    const name = freshName();
    // A device still on v1: write learners, events and outbox rows without `priority`.
    const v1 = new Dexie(name, { chromeTransactionDurability: 'strict' });
    v1.version(1).stores(SCHEMA_V1);
    await v1.open();
    const anna = legacyLearner('小安');
    const odd = legacyLearner('  小宝  ', 'unicorn'); // avatar outside the built-in set, padded name
    const event = legacyEvent(anna.id, 'ex-1');
    const learnerOutboxId = uuidv7();
    const eventOutboxId = uuidv7();
    await v1.table('learners').bulkAdd([anna, odd]);
    await v1.table('events').add(event);
    await v1.table('outbox').bulkAdd([
      { id: learnerOutboxId, table: 'learners', recordId: anna.id, op: 'put', createdAt: anna.createdAt },
      { id: eventOutboxId, table: 'events', recordId: event.id, op: 'add', createdAt: event.createdAt },
    ]);
    await v1.table('settings').put({ key: 'classroom', value: { name: '一年级' } });
    v1.close();

    const db = track(new TeachPointDB(name, { onVersionChange: () => {} }));
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    const deviceId = (await db.settings.get(DEVICE_ID_SETTING))?.value;
    expect(deviceId).toMatch(/^device:/);
    expect(await db.learners.get(anna.id)).toEqual({
      ...anna, classId: null, picturePassword: null, archived: false, deleted: false, origin: 'device', updatedBy: deviceId,
    });
    expect(await db.learners.get(odd.id)).toMatchObject({ name: '小宝', avatar: 'panda' });
    expect(await db.events.get(event.id)).toEqual({ ...event, classId: null });
    expect(await db.settings.get('classroom')).toEqual({ key: 'classroom', value: { name: '一年级' } });

    const rows = await db.outbox.toArray();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === eventOutboxId)).toMatchObject({ priority: 0, attempts: 0, recordId: event.id });
    expect(rows.find((r) => r.id === learnerOutboxId)).toMatchObject({ priority: 1, attempts: 0, recordId: anna.id });
    // Without the backfill the compound index would return nothing for these v1 rows.
    const batch = await nextOutboxBatch(db, 10);
    expect(batch.map((r) => r.id)).toEqual([eventOutboxId, learnerOutboxId]);
    // The reshaped learner is found by the new class index once it has a class.
    expect(await db.learners.where('classId').equals('c1').count()).toBe(0);
  });

  it('migrates v2 → v3 with data: learners reshaped, events keep learner and get classId null, outbox and catalog intact', async () => {
    const name = freshName();
    const v2 = new Dexie(name, { chromeTransactionDurability: 'strict' });
    v2.version(2).stores(SCHEMA_V2);
    await v2.open();
    const a = legacyLearner('小明', 'cat');
    const b = legacyLearner('小红', 'fox');
    const events = [legacyEvent(a.id, 'p1/s1/q1'), legacyEvent(b.id, 'p1/s1/q1'), legacyEvent('unassigned', 'p1/s1/q2')];
    await v2.table('learners').bulkAdd([a, b]);
    await v2.table('events').bulkAdd(events);
    const outbox = events.map((e) => ({ id: uuidv7(), table: 'events', recordId: e.id, op: 'add', createdAt: e.createdAt, priority: 0, attempts: 2 }));
    await v2.table('outbox').bulkAdd(outbox);
    const entry = { id: 'p1:l1', packId: 'p1', packVersion: 1, lessonId: 'l1', stage: '小学', subject: '语文', edition: '', grade: '一年级', volume: '', unit: '', title: { 'zh-CN': '课' }, order: 0, resourceCount: 1 };
    await v2.table('catalog').add(entry);
    await v2.table('settings').put({ key: DEVICE_ID_SETTING, value: 'device:kept' });
    v2.close();

    const db = track(new TeachPointDB(name, { onVersionChange: () => {} }));
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    expect(await db.learners.get(a.id)).toMatchObject({ name: '小明', avatar: 'cat', classId: null, updatedBy: 'device:kept', origin: 'device', deleted: false, archived: false });
    expect(await db.learners.get(b.id)).toMatchObject({ name: '小红', avatar: 'fox' });
    for (const e of events) expect(await db.events.get(e.id)).toEqual({ ...e, classId: null });
    expect(await db.events.where('learnerId').equals(a.id).count()).toBe(1);
    expect((await db.outbox.toArray()).sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(outbox);
    expect(await db.catalog.get('p1:l1')).toEqual(entry);
    expect(await db.classes.count()).toBe(0);
    expect(await db.assignments.count()).toBe(0);
  });

  it('the latest schema string is what the class declares (migration test stays honest)', async () => {
    const db = track(new TeachPointDB(freshName(), { onVersionChange: () => {} }));
    await db.open();
    const raw = track(new Dexie(db.name));
    await raw.open(); // dynamic mode: reads the schema from IndexedDB
    for (const [table, spec] of Object.entries(SCHEMA_V4)) {
      const indexes = spec.split(',').slice(1).map((s) => s.trim()).sort();
      expect(raw.table(table).schema.indexes.map((i) => i.name).sort(), table).toEqual(indexes);
    }
  });

  it('writes a record and its outbox row in one transaction', async () => {
    const db = track(new TeachPointDB(freshName(), { onVersionChange: () => {} }));
    const a = learner('小明');
    const row = await writeWithOutbox(db, 'learners', a);
    expect(isUuidv7(row.id)).toBe(true);
    expect(await db.learners.get(a.id)).toEqual(a);
    expect(await db.outbox.get(row.id)).toMatchObject({ table: 'learners', recordId: a.id, op: 'put', priority: 1 });

    const evRow = await appendEvent(db, { learnerId: a.id, verb: 'completed', objectId: 'lesson-1', packId: null });
    expect(evRow).toMatchObject({ table: 'events', op: 'add', priority: 0 });
    expect(await db.events.get(evRow.recordId)).toMatchObject({ learnerId: a.id, verb: 'completed' });
    // Progress (P0) before records (P1), regardless of creation order.
    expect((await nextOutboxBatch(db, 10)).map((r) => r.table)).toEqual(['events', 'learners']);
  });

  it('rolls back both when the outbox write fails after the record was written', async () => {
    const db = track(new TeachPointDB(freshName(), { onVersionChange: () => {} }));
    await db.open();
    const failing = (() => {
      throw new Error('simulated outbox failure (disk full)');
    }) as never;
    db.outbox.hook('creating', failing);
    const a = learner('小红');
    await expect(writeWithOutbox(db, 'learners', a)).rejects.toThrow(/simulated outbox failure/);
    db.outbox.hook('creating').unsubscribe(failing);
    expect(await db.learners.get(a.id)).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
  });

  it('rolls back both when the record write fails (append-only event id reused)', async () => {
    const db = track(new TeachPointDB(freshName(), { onVersionChange: () => {} }));
    const first = await appendEvent(db, { learnerId: 'l1', verb: 'answered', objectId: 'ex-1', packId: null });
    await expect(
      appendEvent(db, { id: first.recordId, learnerId: 'l1', verb: 'answered', objectId: 'ex-CHANGED', packId: null }),
    ).rejects.toThrow();
    expect(await db.outbox.count()).toBe(1);
    expect((await db.events.get(first.recordId))?.objectId).toBe('ex-1');
  });

  it('closes itself and calls onVersionChange when another tab opens a newer schema', async () => {
    const name = freshName();
    let fired = 0;
    const db = track(new TeachPointDB(name, { onVersionChange: () => fired++ }));
    await db.open();
    const newer = track(new Dexie(name));
    newer.version(CURRENT_VERSION + 1).stores({ ...SCHEMA_V3, extra: 'id' });
    await newer.open(); // would be blocked forever if the old connection stayed open
    expect(fired).toBe(1);
    expect(db.isOpen()).toBe(false);
    expect(newer.verno).toBe(CURRENT_VERSION + 1);
  });

  it('sync seam: loads the records of a batch, counts failed attempts, acks in chunks, applies pulled records by LWW', async () => {
    const db = track(new TeachPointDB(freshName(), { onVersionChange: () => {} }));
    const a = learner('小明');
    await writeWithOutbox(db, 'learners', a);
    const renamed = { ...a, name: '王小明', updatedAt: new Date(Date.parse(a.updatedAt) + 1000).toISOString() };
    await writeWithOutbox(db, 'learners', renamed);
    const evs = [];
    for (let i = 0; i < 5; i++) evs.push(await appendEvent(db, { learnerId: a.id, verb: 'answered', objectId: `p/s/q${i}`, packId: 'p' }));
    expect(await pendingOutboxCount(db)).toBe(7);

    const batch = await nextOutboxBatch(db, 100);
    expect(batch.slice(0, 5).map((r) => r.id)).toEqual(evs.map((r) => r.id));
    const loaded = await loadOutboxRecords(db, batch);
    expect(loaded[0]!.record).toMatchObject({ learnerId: a.id, objectId: 'p/s/q0', classId: null });
    // Both learner rows carry the record as it is now.
    expect(loaded.slice(5).map((e) => (e.record as Learner).name)).toEqual(['王小明', '王小明']);

    await noteOutboxAttempt(db, [evs[0]!.id, evs[1]!.id]);
    expect((await db.outbox.get(evs[0]!.id))?.attempts).toBe(1);
    expect((await db.outbox.get(evs[2]!.id))?.attempts).toBe(0);

    // Ack in chunks of 2, including an id that is already gone: only present rows count.
    expect(await ackOutbox(db, [...evs.map((r) => r.id), 'not-there'], 2)).toBe(5);
    expect((await nextOutboxBatch(db, 100)).map((r) => r.table)).toEqual(['learners', 'learners']);

    // Pull: an older cloud version loses, a newer one wins; neither adds outbox rows.
    const older = { ...a, name: '旧名字', updatedAt: a.updatedAt, updatedBy: 'cloud:aaa', origin: 'cloud' as const };
    expect(await applyIncomingRecords(db, 'learners', [older])).toBe(0);
    const newer = { ...a, name: '云端名字', updatedAt: new Date(Date.parse(a.updatedAt) + 5000).toISOString(), updatedBy: 'cloud:aaa', origin: 'cloud' as const };
    expect(await applyIncomingRecords(db, 'learners', [newer])).toBe(1);
    expect((await db.learners.get(a.id))?.name).toBe('云端名字');
    expect(await pendingOutboxCount(db)).toBe(2);
  });
});
