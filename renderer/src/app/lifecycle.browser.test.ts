import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { TeachPointDB } from '../db/db';
import { writeWithOutbox } from '../db/outbox';
import { deferred, FakeBridge } from '../test/fake-bridge';
import { installQuitHandshake, requestPersistentStorage } from './lifecycle';

describe('quit handshake', () => {
  it('closes the database after pending writes, then answers app.flushed once', async () => {
    const name = `tp-quit-${Date.now()}`;
    const db = new TeachPointDB(name, { onVersionChange: () => {} });
    const flushed = deferred<void>();
    let flushCount = 0;
    const bridge = new FakeBridge({
      'app.flushed': async () => {
        flushCount++;
        flushed.resolve();
        return {};
      },
    });
    installQuitHandshake(bridge, db);
    const now = new Date().toISOString();
    // Queued behind the database's first open when the shell asks to quit.
    const write = writeWithOutbox(db, 'learners', {
      id: 'l-1', name: '小明', avatar: 'cat', classId: null, picturePassword: null, archived: false,
      createdAt: now, updatedAt: now, updatedBy: 'device:test', origin: 'device', deleted: false,
    });
    bridge.emit('app.willQuit', { deadlineMs: 3000 });
    bridge.emit('app.willQuit', { deadlineMs: 3000 });
    await write;
    await flushed.promise;
    expect(db.isOpen()).toBe(false);
    expect(flushCount).toBe(1);
    const reopened = new TeachPointDB(name, { onVersionChange: () => {} });
    expect(await reopened.learners.get('l-1')).toMatchObject({ name: '小明' });
    expect(await reopened.outbox.count()).toBe(1);
    reopened.close();
    await Dexie.delete(name);
  });
});

describe('persistent storage', () => {
  it('reports null without the API and asks only when not yet persisted', async () => {
    expect(await requestPersistentStorage(null)).toBeNull();
    let asked = 0;
    const fake = (persisted: boolean) =>
      ({ persisted: async () => persisted, persist: async () => (asked++, true) }) as unknown as StorageManager;
    expect(await requestPersistentStorage(fake(true))).toBe(true);
    expect(asked).toBe(0);
    expect(await requestPersistentStorage(fake(false))).toBe(true);
    expect(asked).toBe(1);
  });
});
