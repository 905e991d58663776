/**
 * Pull (docs/sync-protocol.md §5): changes for the device's school after an opaque cursor (today the
 * decimal of `change_seq`). Sources are pluggable so the pack routes can add `packReleases` and
 * `trustedKeys` (registerPullSource) without touching this file's logic: every source reads its
 * rows with `seq > after` in seq order, the pages are merged by seq, and the cursor is the last seq
 * served — or, when nothing more is waiting, the committed horizon (see db.ts takeChangeLock).
 */
import type { PullChangeKind, PullChanges } from '../../protocol/pull';
import type { CloudContext } from '../context';
import { readChangeHorizon, type Queryable } from '../db/db';

export interface PullScope {
  deviceId: string;
  schoolId: string;
}

export interface PullRow {
  /** change_seq value, as a decimal string (bigint). */
  seq: string;
  item: unknown;
}

export interface PullSource {
  kind: PullChangeKind;
  /**
   * Up to `limit` rows for this scope with seq > `after`, ascending by seq (ORDER BY the bigint
   * column itself — a `seq::text AS seq` alias would sort as text and lose changes).
   */
  read(q: Queryable, scope: PullScope, after: string, limit: number): Promise<PullRow[]>;
}

const recordSource = (kind: 'classes' | 'learners' | 'assignments'): PullSource => ({
  kind,
  async read(q, scope, after, limit) {
    // ORDER BY the bigint column, never a text alias of it ('10' < '9').
    const r = await q.query<{ seq_text: string; data: unknown }>(
      `SELECT r.seq::text AS seq_text, r.data FROM records r
        WHERE r.school_id = $1 AND r.kind = $2 AND r.seq > $3::bigint AND r.last_writer_device IS DISTINCT FROM $4
        ORDER BY r.seq LIMIT $5`,
      [scope.schoolId, kind, after, scope.deviceId, limit],
    );
    return r.rows.map((row) => ({ seq: row.seq_text, item: row.data }));
  },
});

const SOURCES: PullSource[] = [recordSource('classes'), recordSource('learners'), recordSource('assignments')];

/** Adds a pull source (pack releases, trust documents). Its rows must take seq from change_seq under takeChangeLock. */
export function registerPullSource(source: PullSource): void {
  if (SOURCES.some((s) => s.kind === source.kind)) throw new Error(`pull source ${source.kind} already registered`);
  SOURCES.push(source);
}

export function pullSources(): readonly PullSource[] {
  return SOURCES;
}

function normaliseCursor(cursor: string | null | undefined): string {
  return cursor && /^\d{1,19}$/.test(cursor) ? cursor : '0';
}

const cmpSeq = (a: string, b: string): number => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0);

export interface PullPage {
  changes: PullChanges;
  cursor: string;
  more: boolean;
}

export async function pullPage(ctx: CloudContext, scope: PullScope, cursor: string | null | undefined, limit: number): Promise<PullPage> {
  const after = normaliseCursor(cursor);
  return ctx.db.tx(async (q) => {
    const horizon = await readChangeHorizon(q);
    const rows: (PullRow & { kind: PullChangeKind })[] = [];
    for (const source of SOURCES) {
      for (const row of await source.read(q, scope, after, limit + 1)) rows.push({ ...row, kind: source.kind });
    }
    rows.sort((a, b) => cmpSeq(a.seq, b.seq));
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const changes: Record<string, unknown[]> = {};
    for (const row of page) (changes[row.kind] ??= []).push(row.item);
    // Never move the cursor backwards (a cursor from before a restore is still served safely).
    const end = more ? page[page.length - 1]!.seq : cmpSeq(horizon, after) > 0 ? horizon : after;
    return { changes: changes as PullChanges, cursor: end, more };
  });
}

/** For a push ack: the cursor to save if a pull after `cursor` would find nothing, else null. */
export async function probePull(ctx: CloudContext, scope: PullScope, cursor: string | null): Promise<string | null> {
  const page = await pullPage(ctx, scope, cursor, 1);
  return page.more || Object.keys(page.changes).length > 0 ? null : page.cursor;
}
