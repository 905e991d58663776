import { uuidv7 } from '../../../common/ids/uuidv7';
import { incomingWins, type RecordOfTable, type RecordTable } from '../../../common/records/records';
import type { TeachPointDB } from './db';
import { trackWrite } from './pending-writes';
import { priorityFor, type OutboxRow, type ProgressEvent, type SyncedTableName } from './schema';

/** The record type stored in each synced table. */
export type RecordOf<T extends SyncedTableName> = T extends 'events' ? ProgressEvent : T extends RecordTable ? RecordOfTable[T] : never;

function outboxRowFor(table: SyncedTableName, recordId: string): OutboxRow {
  return {
    id: uuidv7(),
    table,
    recordId,
    op: table === 'events' ? 'add' : 'put',
    createdAt: new Date().toISOString(),
    priority: priorityFor(table),
    attempts: 0,
  };
}

/**
 * Write a record and its outbox row in ONE read-write, strict-durability transaction
 * (DESIGN §5.2): either both are on disk or neither is. Events are append-only (`add`, a repeated
 * id fails instead of overwriting); classes, learners and assignments are mutable records (`put`).
 */
export async function writeWithOutbox<T extends SyncedTableName>(db: TeachPointDB, table: T, record: RecordOf<T>): Promise<OutboxRow> {
  const [row] = await writeManyWithOutbox(db, [{ table, record } as OutboxWrite]);
  return row!;
}

export type OutboxWrite = { [T in SyncedTableName]: { table: T; record: RecordOf<T> } }[SyncedTableName];

/**
 * Several records (any synced tables) and one outbox row each, all in one strict transaction: a
 * pasted class list of 30 names is either all there or not at all.
 */
export async function writeManyWithOutbox(db: TeachPointDB, writes: readonly OutboxWrite[]): Promise<OutboxRow[]> {
  const rows = writes.map((w) => outboxRowFor(w.table, w.record.id));
  const tables = [...new Set(writes.map((w) => w.table))].map((t) => db.table(t));
  await trackWrite(
    db.transaction('rw', [...tables, db.outbox], async () => {
      for (const w of writes) {
        const target = db.table(w.table);
        if (w.table === 'events') await target.add(w.record);
        else await target.put(w.record);
      }
      await db.outbox.bulkAdd(rows);
    }),
  );
  return rows;
}

/** Record a progress event (append-only) with its outbox row. */
export function appendEvent(
  db: TeachPointDB,
  event: Omit<ProgressEvent, 'id' | 'createdAt' | 'classId'> & Partial<Pick<ProgressEvent, 'id' | 'createdAt' | 'classId'>>,
): Promise<OutboxRow> {
  return writeWithOutbox(db, 'events', {
    ...event,
    classId: event.classId ?? null,
    id: event.id ?? uuidv7(),
    createdAt: event.createdAt ?? new Date().toISOString(),
  });
}

// ---- What a sync engine needs (sync/client builds on these; nothing here knows the wire). ----

/** Oldest-first within priority (P0 events before P1 records): what the sync engine pushes next. */
export function nextOutboxBatch(db: TeachPointDB, limit: number): Promise<OutboxRow[]> {
  return db.outbox.orderBy('[priority+id]').limit(limit).toArray();
}

export interface OutboxEntry<T extends SyncedTableName = SyncedTableName> {
  row: OutboxRow & { table: T };
  /**
   * The record as it is NOW (a mutable record edited twice before a push is sent in its latest
   * state under both rows — harmless under last-writer-wins). Undefined if it is gone from its table
   * (should not happen: records are soft-deleted); the engine may ack such a row.
   */
  record: RecordOf<T> | undefined;
}

/** The records an outbox batch describes, read in one transaction (a consistent snapshot). */
export async function loadOutboxRecords(db: TeachPointDB, rows: readonly OutboxRow[]): Promise<OutboxEntry[]> {
  const tables = [...new Set(rows.map((r) => r.table))];
  return db.transaction('r', [...tables.map((t) => db.table(t))], async () => {
    const byTable = new Map<SyncedTableName, Map<string, unknown>>();
    for (const t of tables) {
      const ids = rows.filter((r) => r.table === t).map((r) => r.recordId);
      const found = await db.table(t).bulkGet(ids);
      byTable.set(t, new Map(ids.map((id, i) => [id, found[i]])));
    }
    return rows.map((row) => ({ row, record: byTable.get(row.table)!.get(row.recordId) }) as OutboxEntry);
  });
}

/**
 * The server acknowledged these outbox rows (stored, or "already have it"): delete them, in chunks
 * of `chunkSize` rows per transaction so a big ack never holds one long transaction (and a crash
 * midway leaves the rest to be pushed again — idempotent on the server). Returns rows deleted.
 */
export async function ackOutbox(db: TeachPointDB, ids: readonly string[], chunkSize = 500): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += chunkSize) {
    const chunk = ids.slice(i, i + chunkSize);
    deleted += await trackWrite(
      db.transaction('rw', db.outbox, async () => {
        const present = (await db.outbox.bulkGet(chunk)).filter((r): r is OutboxRow => r !== undefined);
        await db.outbox.bulkDelete(present.map((r) => r.id));
        return present.length;
      }),
    );
  }
  return deleted;
}

/** A push of these rows failed (network, server refusal): count the attempt; the rows stay queued. */
export async function noteOutboxAttempt(db: TeachPointDB, ids: readonly string[]): Promise<void> {
  await trackWrite(
    db.transaction('rw', db.outbox, async () => {
      await db.outbox.where('id').anyOf([...ids]).modify((row) => {
        row.attempts += 1;
      });
    }),
  );
}

/** Rows still waiting to go up (for the sync status line). */
export function pendingOutboxCount(db: TeachPointDB): Promise<number> {
  return db.outbox.count();
}

/**
 * Records pulled from the cloud (rosters, assignments): each replaces the local one only if it wins
 * last-writer-wins (`incomingWins`, the same rule as the server). No outbox rows — they came from
 * the server. Returns how many were applied.
 */
export async function applyIncomingRecords<T extends RecordTable>(db: TeachPointDB, table: T, records: readonly RecordOfTable[T][]): Promise<number> {
  if (records.length === 0) return 0;
  return trackWrite(
    db.transaction('rw', db.table(table), async () => {
      const target = db.table<RecordOfTable[T], string>(table);
      const current = await target.bulkGet(records.map((r) => r.id));
      const winners = records.filter((r, i) => incomingWins(current[i], r));
      await target.bulkPut(winners);
      return winners.length;
    }),
  );
}
