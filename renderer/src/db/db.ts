import Dexie, { type Table, type Transaction } from 'dexie';
import { uuidv7 } from '../../../common/ids/uuidv7';
import { AVATAR_KEYS, type AvatarKey } from '../../../common/records/records';
import type { PackRelease, TrustedKey } from '../../../sync/protocol/pull';
import {
  DB_NAME,
  DEVICE_ID_SETTING,
  priorityFor,
  SCHEMA_V2,
  SCHEMA_V3,
  SCHEMA_V4,
  type AssignmentRecord,
  type CatalogEntry,
  type ClassRecord,
  type LegacyLearner,
  type Learner,
  type OutboxRow,
  type ProgressEvent,
  type RejectedOutboxRow,
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
  classes!: Table<ClassRecord, string>;
  learners!: Table<Learner, string>;
  assignments!: Table<AssignmentRecord, string>;
  events!: Table<ProgressEvent, string>;
  outbox!: Table<OutboxRow, string>;
  settings!: Table<Setting, string>;
  catalog!: Table<CatalogEntry, string>;
  outboxRejected!: Table<RejectedOutboxRow, string>;
  packReleases!: Table<PackRelease, string>;
  trustedKeys!: Table<TrustedKey, string>;

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

    this.version(3).stores(SCHEMA_V3).upgrade(upgradeToV3);
    this.version(4).stores(SCHEMA_V4);

    const onVersionChange = options.onVersionChange ?? (() => window.location.reload());
    this.on('versionchange', (event) => {
      this.close();
      onVersionChange(event);
      return false;
    });
  }
}

/**
 * v2 → v3: every learner becomes a `LearnerRecord` (no class yet, written by this device, not
 * archived, no picture password; an avatar outside the built-in set becomes the first picture);
 * events get `classId: null` (their class at the time is unknown). Old learners already have outbox
 * rows from when they were written, so none are added here. The device id is made here if missing.
 */
async function upgradeToV3(tx: Transaction): Promise<void> {
  const settings = tx.table<Setting, string>('settings');
  const stored = (await settings.get(DEVICE_ID_SETTING))?.value;
  let by: string;
  if (typeof stored === 'string') by = stored;
  else {
    by = `device:${uuidv7()}`;
    await settings.put({ key: DEVICE_ID_SETTING, value: by });
  }
  await tx
    .table<Record<string, unknown>, string>('learners')
    .toCollection()
    .modify((row) => {
      if (row['origin'] !== undefined) return;
      const legacy = row as unknown as LegacyLearner;
      const name = String(legacy.name ?? '').trim().slice(0, 64) || '学生';
      const avatar: AvatarKey = (AVATAR_KEYS as readonly string[]).includes(legacy.avatar) ? (legacy.avatar as AvatarKey) : AVATAR_KEYS[0];
      const now = new Date().toISOString();
      Object.assign(row, {
        name,
        avatar,
        classId: null,
        picturePassword: null,
        archived: false,
        deleted: false,
        origin: 'device',
        updatedBy: by,
        createdAt: legacy.createdAt ?? now,
        updatedAt: legacy.updatedAt ?? now,
      } satisfies Partial<Learner>);
    });
  await tx
    .table<Record<string, unknown>, string>('events')
    .toCollection()
    .modify((row) => {
      if (row['classId'] === undefined) row['classId'] = null;
    });
}
