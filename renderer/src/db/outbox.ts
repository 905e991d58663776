import { uuidv7 } from '../../../common/ids/uuidv7';
import type { TeachPointDB } from './db';
import { trackWrite } from './pending-writes';
import { priorityFor, type Learner, type OutboxRow, type ProgressEvent, type SyncedTableName } from './schema';

type RecordOf<T extends SyncedTableName> = T extends 'events' ? ProgressEvent : Learner;

/**
 * Write a record and its outbox row in ONE read-write, strict-durability transaction
 * (DESIGN §5.2): either both are on disk or neither is. Events are append-only (`add`, a repeated
 * id fails instead of overwriting); learners are mutable records (`put`).
 */
export async function writeWithOutbox<T extends SyncedTableName>(db: TeachPointDB, table: T, record: RecordOf<T>): Promise<OutboxRow> {
  const op: OutboxRow['op'] = table === 'events' ? 'add' : 'put';
  const row: OutboxRow = {
    id: uuidv7(),
    table,
    recordId: record.id,
    op,
    createdAt: new Date().toISOString(),
    priority: priorityFor(table),
    attempts: 0,
  };
  await trackWrite(
    db.transaction('rw', [db.table(table), db.outbox], async () => {
      const target = db.table<RecordOf<T>, string>(table);
      if (op === 'add') await target.add(record);
      else await target.put(record);
      await db.outbox.add(row);
    }),
  );
  return row;
}

/** Record a progress event (append-only) with its outbox row. */
export function appendEvent(db: TeachPointDB, event: Omit<ProgressEvent, 'id' | 'createdAt'> & Partial<Pick<ProgressEvent, 'id' | 'createdAt'>>): Promise<OutboxRow> {
  return writeWithOutbox(db, 'events', {
    ...event,
    id: event.id ?? uuidv7(),
    createdAt: event.createdAt ?? new Date().toISOString(),
  });
}

/** Oldest-first within priority: what the sync engine pushes next. */
export function nextOutboxBatch(db: TeachPointDB, limit: number): Promise<OutboxRow[]> {
  return db.outbox.orderBy('[priority+id]').limit(limit).toArray();
}
