/**
 * A `SyncStore` in memory, for engine tests and the sync benches (node, no IndexedDB). It keeps the
 * same rules as the Dexie store (renderer/src/db/sync-store.ts): peek by priority then age, ack
 * idempotent, applyPull LWW + cursor together, no outbox rows from pulls.
 */
import { incomingWins, RECORD_TABLES, type RecordTable } from '../../../common/records/records';
import type { OutboxItem, OutboxTable, PackRelease, PullChanges, SyncStore, TrustedKey } from '../../protocol/index';

interface Row {
  outboxId: string;
  table: OutboxTable;
  recordId: string;
  priority: number;
}

export class MemorySyncStore implements SyncStore {
  readonly tables: Record<OutboxTable, Map<string, { id: string; updatedAt?: string; updatedBy?: string }>> = {
    events: new Map(),
    classes: new Map(),
    learners: new Map(),
    assignments: new Map(),
  };
  readonly outbox = new Map<string, Row>();
  readonly rejected = new Map<string, string>();
  readonly cursors = new Map<string, string | null>();
  readonly packReleases = new Map<string, PackRelease>();
  readonly trustedKeys = new Map<string, TrustedKey>();
  private seq = 0;

  /** Write a record and its outbox row (what writeManyWithOutbox does in Dexie). */
  write(table: OutboxTable, record: { id: string }): string {
    this.tables[table].set(record.id, record);
    const outboxId = `ob-${String(++this.seq).padStart(12, '0')}`;
    this.outbox.set(outboxId, { outboxId, table, recordId: record.id, priority: table === 'events' ? 0 : 1 });
    return outboxId;
  }

  async peekOutbox(limit: number): Promise<OutboxItem[]> {
    const rows = [...this.outbox.values()].sort((a, b) => a.priority - b.priority || (a.outboxId < b.outboxId ? -1 : 1)).slice(0, limit);
    return rows.map((r) => ({ ...r, record: this.tables[r.table].get(r.recordId) }));
  }

  async ackOutbox(outboxIds: readonly string[]): Promise<void> {
    for (const id of outboxIds) this.outbox.delete(id);
  }

  async rejectOutbox(rejections: readonly { outboxId: string; code: string }[]): Promise<void> {
    for (const r of rejections) {
      this.outbox.delete(r.outboxId);
      this.rejected.set(r.outboxId, r.code);
    }
  }

  async countOutbox(): Promise<{ events: number; records: number }> {
    let events = 0;
    for (const r of this.outbox.values()) if (r.table === 'events') events++;
    return { events, records: this.outbox.size - events };
  }

  async getCursor(server: string): Promise<string | null> {
    return this.cursors.get(server) ?? null;
  }

  async applyPull(server: string, changes: PullChanges, cursor: string | null): Promise<void> {
    for (const table of RECORD_TABLES as readonly RecordTable[]) {
      for (const incoming of changes[table] ?? []) {
        const current = this.tables[table].get(incoming.id) as { updatedAt: string; updatedBy: string } | undefined;
        if (incomingWins(current, incoming)) this.tables[table].set(incoming.id, incoming);
      }
    }
    for (const r of changes.packReleases ?? []) this.packReleases.set(r.id, r);
    for (const k of changes.trustedKeys ?? []) this.trustedKeys.set(k.id, k);
    this.cursors.set(server, cursor);
  }
}
