import Dexie, { type Table } from 'dexie';
import {
  DB_NAME,
  priorityFor,
  SCHEMA_V2,
  type CatalogEntry,
  type Learner,
  type OutboxRow,
  type ProgressEvent,
  type Setting,
  type SyncedTableName,
} from './schema';

export interface TeachPointDBOptions {
  /**
   * Another window/tab opened a newer schema. We close at once (so its upgrade can run) and, by
   * default, reload to pick up the new code. Tests pass a spy.
   */
  onVersionChange?: (event: IDBVersionChangeEvent) => void;
  /** Injected for tests that need a separate IndexedDB factory; normally the browser's. */
  indexedDB?: IDBFactory;
}

/**
 * The renderer's database (STYLE §3, class form). `Table<T, string>` because ids are client-made
 * UUIDv7 strings. Every transaction is opened with strict durability: IndexedDB reports "complete"
 * only after the data is flushed to disk, so a power cut right after a child answers cannot lose
 * the answer (Chrome's default "relaxed" can).
 */
export class TeachPointDB extends Dexie {
  learners!: Table<Learner, string>;
  events!: Table<ProgressEvent, string>;
  outbox!: Table<OutboxRow, string>;
  settings!: Table<Setting, string>;
  catalog!: Table<CatalogEntry, string>;

  constructor(name: string = DB_NAME, options: TeachPointDBOptions = {}) {
    super(name, {
      chromeTransactionDurability: 'strict',
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
    });

    // v1 (SCHEMA_V1 in schema.ts) carried no upgrader, so it is not declared here (STYLE §3).
    this.version(2)
      .stores(SCHEMA_V2)
      .upgrade(async (tx) => {
        // Backfill priority on outbox rows written by v1 so the new [priority+id] index sees them.
        await tx
          .table<Partial<OutboxRow> & { id: string; table: SyncedTableName }, string>('outbox')
          .toCollection()
          .modify((row) => {
            if (row.priority === undefined) row.priority = priorityFor(row.table);
            if (row.attempts === undefined) row.attempts = 0;
          });
      });

    const onVersionChange = options.onVersionChange ?? (() => window.location.reload());
    this.on('versionchange', (event) => {
      this.close();
      onVersionChange(event);
      return false;
    });
  }
}
