import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { isUuidv7, uuidv7 } from '../../../common/ids/uuidv7';
import { TeachPointDB } from './db';
import { appendEvent, nextOutboxBatch, writeWithOutbox } from './outbox';
import { CURRENT_VERSION, SCHEMA_V1, SCHEMA_V2, type Learner, type ProgressEvent } from './schema';

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

function learner(name: string): Learner {
  const now = new Date().toISOString();
  return { id: uuidv7(), name, avatar: 'panda', createdAt: now, updatedAt: now };
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
    expect(db.tables.map((t) => t.name).sort()).toEqual(['catalog', 'events', 'learners', 'outbox', 'settings']);
    expect(db.outbox.schema.primKey.keyPath).toBe('id');
    expect(db.outbox.schema.indexes.map((i) => i.name).sort()).toEqual(['[priority+id]', 'table']);
    expect(db.events.schema.indexes.map((i) => i.name).sort()).toEqual(['[learnerId+objectId]', 'learnerId', 'objectId']);
    expect(db.catalog.schema.indexes.map((i) => i.name).sort()).toEqual(['[packId+order]', '[subject+grade]', 'packId']);
    expect(db.settings.schema.primKey.keyPath).toBe('key');
    // Raw IndexedDB agrees (Dexie stores version × 10).
    const idb = db.backendDB();
    expect(idb.version).toBe(CURRENT_VERSION * 10);
    expect([...idb.transaction('outbox').objectStore('outbox').indexNames].sort()).toEqual(['[priority+id]', 'table']);
  });

  it('migrates v1 → v2: keeps every record and backfills outbox priority so the new index sees old rows', async () => {
    const name = freshName();
    // A device still on v1: write learners, events and outbox rows without `priority`.
    const v1 = new Dexie(name, { chromeTransactionDurability: 'strict' });
    v1.version(1).stores(SCHEMA_V1);
    await v1.open();
    const anna = learner('小安');
    const event: ProgressEvent = { id: uuidv7(), learnerId: anna.id, verb: 'answered', objectId: 'ex-1', packId: 'p1', createdAt: new Date().toISOString() };
    const learnerOutboxId = uuidv7();
    const eventOutboxId = uuidv7();
    await v1.table('learners').add(anna);
    await v1.table('events').add(event);
    await v1.table('outbox').bulkAdd([
      { id: learnerOutboxId, table: 'learners', recordId: anna.id, op: 'put', createdAt: anna.createdAt },
      { id: eventOutboxId, table: 'events', recordId: event.id, op: 'add', createdAt: event.createdAt },
    ]);
    await v1.table('settings').put({ key: 'classroom', value: { name: '一年级' } });
    v1.close();

    const db = track(new TeachPointDB(name, { onVersionChange: () => {} }));
    await db.open();
    expect(db.verno).toBe(2);
    expect(await db.learners.get(anna.id)).toEqual(anna);
    expect(await db.events.get(event.id)).toEqual(event);
    expect(await db.settings.get('classroom')).toEqual({ key: 'classroom', value: { name: '一年级' } });

    const rows = await db.outbox.toArray();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === eventOutboxId)).toMatchObject({ priority: 0, attempts: 0, recordId: event.id });
    expect(rows.find((r) => r.id === learnerOutboxId)).toMatchObject({ priority: 1, attempts: 0, recordId: anna.id });
    // Without the backfill the compound index would return nothing for these v1 rows.
    const batch = await nextOutboxBatch(db, 10);
    expect(batch.map((r) => r.id)).toEqual([eventOutboxId, learnerOutboxId]);
  });

  it('the v2 schema string is what the class declares (migration test stays honest)', async () => {
    const db = track(new TeachPointDB(freshName(), { onVersionChange: () => {} }));
    await db.open();
    const raw = track(new Dexie(db.name));
    await raw.open(); // dynamic mode: reads the schema from IndexedDB
    for (const [table, spec] of Object.entries(SCHEMA_V2)) {
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
    newer.version(3).stores({ ...SCHEMA_V2, extra: 'id' });
    await newer.open(); // would be blocked forever if the old connection stayed open
    expect(fired).toBe(1);
    expect(db.isOpen()).toBe(false);
    expect(newer.verno).toBe(3);
  });
});
