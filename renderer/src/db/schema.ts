/**
 * Entities of the renderer database. Dexie is the database of record for everything learners
 * and teachers create (DESIGN §3); large media bytes never live here (they are files in the host's
 * content store, addressed by sha256).
 *
 * Ids are client-made UUIDv7 strings (common/ids/uuidv7.ts): they sort in creation order, so
 * `orderBy('id')` is creation order without a second index.
 */

import type {
  AssignmentRecord,
  ClassRecord,
  LearnerRecord,
  ProgressEvent as RecordsProgressEvent,
  RecordTable,
} from '../../../common/records/records';

export type { AssignmentRecord, ClassRecord, LearnerRecord, RecordTable };

/**
 * A learner as schema v1/v2 stored it (no class, no sync fields). v3 reshapes every such row into a
 * `LearnerRecord` (common/records/records.ts); kept for the migration and its test.
 */
export interface LegacyLearner {
  id: string;
  name: string;
  avatar: string;
  createdAt: string;
  updatedAt: string;
}

/** The learner record of the current schema (v3): the shared shape that syncs. */
export type Learner = LearnerRecord;

/**
 * One append-only progress event (DESIGN §5.1): maps 1:1 to an xAPI statement with the same id.
 * Corrections are new events, never edits. The shared shape (common/records); `classId` is the
 * learner's class when it happened (null: none, or an event from before schema v3).
 */
export type ProgressEvent = RecordsProgressEvent;

/** Sync priorities (DESIGN §5.6): P0 progress/acks, P1 records, P2 bulk. */
export type OutboxPriority = 0 | 1 | 2;

/** Tables whose writes go up to the cloud through the outbox: the event log and the mutable records. */
export type SyncedTableName = 'events' | RecordTable;
export const SYNCED_TABLES: readonly SyncedTableName[] = ['events', 'classes', 'learners', 'assignments'];

/** A pending upload. Written in the same transaction as the record it describes (DESIGN §5.2). */
export interface OutboxRow {
  id: string;
  table: SyncedTableName;
  recordId: string;
  op: 'add' | 'put';
  createdAt: string;
  /** Added in schema v2 (see db.ts); v1 rows are backfilled by the upgrade. */
  priority: OutboxPriority;
  attempts: number;
}

export interface Setting<T = unknown> {
  key: string;
  value: T;
}

/** One lesson of an installed pack, indexed for browsing by 学段/学科/版本/年级/册/单元/课. */
export interface CatalogEntry {
  /** `${packId}:${lessonId}` */
  id: string;
  packId: string;
  packVersion: number;
  lessonId: string;
  stage: string;
  subject: string;
  edition: string;
  grade: string;
  volume: string;
  unit: string;
  /** zh-CN title, plus other languages when the pack has them. */
  title: { 'zh-CN': string } & Record<string, string>;
  /** Position within the unit. */
  order: number;
  resourceCount: number;
  /**
   * Ancestors from 学段 down to 单元 with their localized titles, for breadcrumbs in the current
   * language (levels a pack skips are absent; the string fields above hold their zh-CN titles or '').
   * Not indexed, so adding it needed no schema version.
   */
  path?: CatalogPathNode[];
}

export interface CatalogPathNode {
  level: 'stage' | 'subject' | 'edition' | 'grade' | 'volume' | 'unit';
  id: string;
  title: { 'zh-CN': string } & Record<string, string>;
}

export const DB_NAME = 'teachpoint';

/**
 * v1 — the first schema (primary key first, then indexed fields only; STYLE §3).
 * Kept as data for the migration test; the class declares only versions that carry an upgrader.
 */
export const SCHEMA_V1 = {
  learners: 'id, name',
  events: 'id, learnerId, objectId, [learnerId+objectId]',
  outbox: 'id, table',
  settings: 'key',
  catalog: 'id, packId, [subject+grade], [packId+order]',
} as const;

/**
 * v2 — the sync engine pushes P0 (progress) before P1 (records) and, within a priority, oldest
 * first. v1 outbox rows have no `priority`, so an index alone would silently skip them (IndexedDB
 * leaves records whose key path is missing out of the index): the upgrade backfills it.
 */
export const SCHEMA_V2 = {
  ...SCHEMA_V1,
  outbox: 'id, table, [priority+id]',
} as const;

/**
 * v3 — people (issue 7): classes, learners reshaped to `LearnerRecord` (class, sync fields, picture
 * password, archive), assignments, and `classId` on events. Every mutable record table is written
 * with its outbox row (P1); events stay P0. The upgrade reshapes v1/v2 learners and backfills
 * `classId: null` on old events (db.ts).
 */
export const SCHEMA_V3 = {
  ...SCHEMA_V2,
  classes: 'id',
  learners: 'id, name, classId',
  assignments: 'id, classId',
  events: 'id, learnerId, objectId, [learnerId+objectId], classId',
} as const;

/**
 * v4 — the sync engine (issue 8): outbox rows the cloud refused for good are set aside in
 * `outboxRejected` (never retried, shown to the teacher); pulled pack releases and trust documents
 * are kept (`packReleases`, `trustedKeys`) so the app can hand releases to the downloader again after
 * a restart. No data changes, so no upgrader.
 */
export const SCHEMA_V4 = {
  ...SCHEMA_V3,
  outboxRejected: 'id',
  packReleases: 'id, packId',
  trustedKeys: 'id',
} as const;

export const CURRENT_VERSION = 4;

/** An outbox row the server refused for good (`push.invalid-item`, `push.foreign-record`). */
export interface RejectedOutboxRow extends OutboxRow {
  code: string;
  rejectedAt: string;
}

/** Settings key of the pull cursor for one server (`SyncStore.getCursor`). */
export function syncCursorSetting(server: string): string {
  return `sync.cursor:${server}`;
}

/** Settings key of this installation's device id (`updatedBy` of records written here). */
export const DEVICE_ID_SETTING = 'deviceId';

/** Priority of an outbox row by table: progress first. */
export function priorityFor(table: SyncedTableName): OutboxPriority {
  return table === 'events' ? 0 : 1;
}
