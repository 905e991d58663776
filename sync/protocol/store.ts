/**
 * The device-side storage the sync client needs, as an interface: `renderer/src/db` implements it
 * over Dexie, `sync/client` consumes it. The dependency runs one way (renderer → sync/client;
 * enforced by build/lint/layering.mjs ONE_WAY), and a school hub can implement the same interface
 * over its own storage.
 */
import type { RecordTable } from '../../common/records/records';
import type { PullChanges } from './pull';

export type OutboxTable = 'events' | RecordTable;

/** One outbox row with the record it describes (read in the same transaction). */
export interface OutboxItem {
  outboxId: string;
  table: OutboxTable;
  recordId: string;
  /** The record as stored now (for mutable records: the latest version, whatever the row's age). */
  record: unknown;
  /** 0 = progress events (P0), 1 = records (P1). */
  priority: number;
}

export interface SyncStore {
  /** Oldest-first within priority, at most `limit` rows. */
  peekOutbox(limit: number): Promise<OutboxItem[]>;
  /** Delete acknowledged rows (idempotent; the implementation may chunk large lists). */
  ackOutbox(outboxIds: readonly string[]): Promise<void>;
  /** Set rows aside that the server refused for good (never retried; shown to the teacher). */
  rejectOutbox(rejections: readonly { outboxId: string; code: string }[]): Promise<void>;
  /** How much is waiting (for the status line and the device status sent with push/pull). */
  countOutbox(): Promise<{ events: number; records: number }>;
  /** Pull cursor for one server (a cloud or a hub), `null` before the first pull. */
  getCursor(server: string): Promise<string | null>;
  /**
   * Apply one pull page with `incomingWins` and save its cursor, in ONE transaction, writing no
   * outbox rows (the changes came from the server).
   */
  applyPull(server: string, changes: PullChanges, cursor: string | null): Promise<void>;
}
