/**
 * The Dexie implementation of `SyncStore` (sync/protocol/store.ts): what the sync engine
 * (sync/client) reads and writes, over the outbox helpers in ./outbox. The engine never sees Dexie.
 */
import type { Table } from 'dexie';
import { RECORD_TABLES } from '../../../common/records/records';
import type { OutboxItem, PullChanges, SyncStore } from '../../../sync/protocol/index';
import type { TeachPointDB } from './db';
import { ackOutbox, applyIncomingRecords, loadOutboxRecords, nextOutboxBatch } from './outbox';
import { trackWrite } from './pending-writes';
import { syncCursorSetting, type RejectedOutboxRow } from './schema';

export class DexieSyncStore implements SyncStore {
  constructor(private readonly db: TeachPointDB) {}

  async peekOutbox(limit: number): Promise<OutboxItem[]> {
    const rows = await nextOutboxBatch(this.db, limit);
    if (rows.length === 0) return []; // loadOutboxRecords would open a transaction over no tables
    const entries = await loadOutboxRecords(this.db, rows);
    return entries.map(({ row, record }) => ({ outboxId: row.id, table: row.table, recordId: row.recordId, record, priority: row.priority }));
  }

  async ackOutbox(outboxIds: readonly string[]): Promise<void> {
    await ackOutbox(this.db, outboxIds);
  }

  /** Move refused rows to `outboxRejected` (kept for the teacher to see; never pushed again). */
  async rejectOutbox(rejections: readonly { outboxId: string; code: string }[]): Promise<void> {
    if (rejections.length === 0) return;
    const db = this.db;
    await trackWrite(
      db.transaction('rw', [db.outbox, db.outboxRejected], async () => {
        const rows = await db.outbox.bulkGet(rejections.map((r) => r.outboxId));
        const now = new Date().toISOString();
        const setAside: RejectedOutboxRow[] = [];
        rows.forEach((row, i) => {
          if (row) setAside.push({ ...row, code: rejections[i]!.code, rejectedAt: now });
        });
        await db.outboxRejected.bulkPut(setAside);
        await db.outbox.bulkDelete(setAside.map((r) => r.id));
      }),
    );
  }

  async countOutbox(): Promise<{ events: number; records: number }> {
    const db = this.db;
    return db.transaction('r', db.outbox, async () => {
      const total = await db.outbox.count();
      const events = await db.outbox.where('table').equals('events').count();
      return { events, records: total - events };
    });
  }

  async getCursor(server: string): Promise<string | null> {
    const value = (await this.db.settings.get(syncCursorSetting(server)))?.value;
    return typeof value === 'string' ? value : null;
  }

  /** One transaction: LWW-merge every record kind, keep releases and trust documents, save the cursor. No outbox rows. */
  async applyPull(server: string, changes: PullChanges, cursor: string | null): Promise<void> {
    const db = this.db;
    const tables = [...RECORD_TABLES.map((t) => db.table(t)), db.packReleases, db.trustedKeys, db.settings];
    await trackWrite(
      db.transaction('rw', tables, async () => {
        // applyIncomingRecords' own transaction nests inside this one (same tables), so all of it commits together.
        for (const table of RECORD_TABLES) await applyIncomingRecords(db, table, changes[table] ?? []);
        await mergeByUpdatedAt(db.packReleases, changes.packReleases ?? []);
        await mergeByUpdatedAt(db.trustedKeys, changes.trustedKeys ?? []);
        await db.settings.put({ key: syncCursorSetting(server), value: cursor });
      }),
    );
  }
}

/** Server-owned documents: a newer `updatedAt` replaces the stored one (re-applying a page changes nothing). */
async function mergeByUpdatedAt<T extends { id: string; updatedAt: string }>(table: Table<T, string>, incoming: readonly T[]): Promise<void> {
  if (incoming.length === 0) return;
  const current = await table.bulkGet(incoming.map((r) => r.id));
  await table.bulkPut(incoming.filter((r, i) => !current[i] || Date.parse(r.updatedAt) >= Date.parse(current[i]!.updatedAt)));
}
