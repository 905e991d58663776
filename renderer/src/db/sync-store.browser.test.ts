import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../common/ids/uuidv7';
import type { ClassRecord } from '../../../common/records/records';
import { TeachPointDB } from './db';
import { appendEvent, writeWithOutbox } from './outbox';
import { DexieSyncStore } from './sync-store';

// Real Chromium, real IndexedDB; each test its own database, deleted afterwards.
const opened: TeachPointDB[] = [];
let counter = 0;
function freshDb(): TeachPointDB {
  const db = new TeachPointDB(`tp-sync-store-${Date.now()}-${counter++}`, { onVersionChange: () => {} });
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

function classRecord(name: string, updatedAt: string, updatedBy = 'device:a'): ClassRecord {
  return { id: 'class-1', name, grade: '', picturePassword: false, archived: false, createdAt: '2026-12-01T00:00:00.000Z', updatedAt, updatedBy, origin: 'device', deleted: false };
}

describe('DexieSyncStore (real IndexedDB)', () => {
  it('peeks progress events before records, oldest first, with the record as stored now', async () => {
    const db = freshDb();
    const store = new DexieSyncStore(db);
    await writeWithOutbox(db, 'classes', classRecord('一年级', '2026-12-01T01:00:00.000Z'));
    const e1 = await appendEvent(db, { learnerId: 'l1', verb: 'answered', objectId: 'p/s/1', packId: 'p' });
    const e2 = await appendEvent(db, { learnerId: 'l1', verb: 'answered', objectId: 'p/s/2', packId: 'p' });
    await writeWithOutbox(db, 'classes', classRecord('一二年级', '2026-12-01T02:00:00.000Z'));
    const items = await store.peekOutbox(10);
    expect(items.map((i) => i.table)).toEqual(['events', 'events', 'classes', 'classes']);
    expect(items.slice(0, 2).map((i) => i.outboxId)).toEqual([e1.id, e2.id]);
    expect((items[2]!.record as ClassRecord).name).toBe('一二年级');
    expect(await store.countOutbox()).toEqual({ events: 2, records: 2 });
    await store.ackOutbox(items.map((i) => i.outboxId));
    expect(await store.peekOutbox(10)).toEqual([]);
  });

  it('acks in chunks (idempotent) and sets rejected rows aside for good', async () => {
    const db = freshDb();
    const store = new DexieSyncStore(db);
    const rows = [];
    for (let i = 0; i < 700; i++) rows.push(await appendEvent(db, { learnerId: 'l1', verb: 'viewed', objectId: `p/l/${i}`, packId: 'p' }));
    await store.ackOutbox(rows.slice(0, 600).map((r) => r.id));
    await store.ackOutbox(rows.slice(0, 600).map((r) => r.id));
    expect(await db.outbox.count()).toBe(100);
    await store.rejectOutbox([{ outboxId: rows[600]!.id, code: 'push.invalid-item' }]);
    expect(await db.outbox.count()).toBe(99);
    expect(await db.outboxRejected.get(rows[600]!.id)).toMatchObject({ code: 'push.invalid-item', table: 'events' });
    expect((await store.peekOutbox(200)).map((i) => i.outboxId)).not.toContain(rows[600]!.id);
  });

  it('applies a pull page by LWW with its cursor in one transaction, writing no outbox rows', async () => {
    const db = freshDb();
    const store = new DexieSyncStore(db);
    await db.classes.put(classRecord('本机较新', '2026-12-01T05:00:00.000Z'));
    const release = { id: uuidv7(), packId: 'p', version: 2, title: { 'zh-CN': '数学' }, manifestSha256: 'a'.repeat(64), totalBytes: 10, releasedAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z', deleted: false };
    const learner = { id: 'l-1', name: '小红', avatar: 'cat' as const, classId: 'class-1', picturePassword: null, archived: false, createdAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z', updatedBy: 'cloud:x', origin: 'cloud' as const, deleted: false };
    await store.applyPull('https://cloud', { classes: [{ ...classRecord('云端较旧', '2026-12-01T04:00:00.000Z'), origin: 'cloud' }], learners: [learner], packReleases: [release] }, '17');
    expect((await db.classes.get('class-1'))!.name).toBe('本机较新');
    expect(await db.learners.get('l-1')).toMatchObject({ name: '小红' });
    expect(await db.packReleases.get(release.id)).toMatchObject({ packId: 'p', version: 2 });
    expect(await store.getCursor('https://cloud')).toBe('17');
    expect(await store.getCursor('https://hub')).toBeNull();
    expect(await db.outbox.count()).toBe(0);

    // A failing page leaves neither records nor cursor behind.
    const bad = { ...learner, id: 'l-2' } as unknown as typeof learner;
    await expect(store.applyPull('https://cloud', { learners: [bad, { ...learner, id: undefined } as unknown as typeof learner] }, '18')).rejects.toThrow();
    expect(await db.learners.get('l-2')).toBeUndefined();
    expect(await store.getCursor('https://cloud')).toBe('17');
  });
});
