/** Records county staff make or edit in the cloud (origin 'cloud'); they reach devices through pull. */
import { RECORD_SCHEMAS, RECORD_TABLES, incomingWins, type RecordTable } from '../../../common/records/records';
import type { StaffAuth } from '../auth/auth';
import type { CloudContext } from '../context';
import { nextChangeSeq, takeChangeLock } from '../db/db';
import { badRequest, httpError, notFound } from '../errors';
import { schoolInScope } from './schools';
import { zodIssueLines } from '../../../common/errors/zod-issues';

export function recordKind(kind: string): RecordTable {
  if (!(RECORD_TABLES as readonly string[]).includes(kind)) throw notFound({ zh: '这类记录', en: 'record kind' });
  return kind as RecordTable;
}

/**
 * Create or replace a record in a school as a staff member. `updatedAt` is the server's clock and
 * `updatedBy` `cloud:<username>`, so a later edit on a device still wins by LWW like any other.
 */
export async function putStaffRecord(ctx: CloudContext, staff: StaffAuth | null, schoolId: string, kind: RecordTable, recordId: string, body: unknown): Promise<unknown> {
  await schoolInScope(ctx.db, staff, schoolId);
  const now = ctx.clock().toISOString();
  const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return ctx.db.tx(async (q) => {
    await takeChangeLock(q);
    const cur = await q.query<{ school_id: string; data: Record<string, unknown> }>('SELECT school_id, data FROM records WHERE kind = $1 AND id = $2 FOR UPDATE', [kind, recordId]);
    const existing = cur.rows[0];
    if (existing && existing.school_id !== schoolId) throw notFound({ zh: '这条记录', en: 'record' });
    const parsed = RECORD_SCHEMAS[kind].safeParse({
      ...input,
      id: recordId,
      createdAt: existing?.data.createdAt ?? now,
      updatedAt: now,
      updatedBy: `cloud:${staff?.username ?? 'cli'}`,
      origin: existing?.data.origin ?? 'cloud',
    });
    if (!parsed.success) throw badRequest(zodIssueLines(parsed.error.issues).join('; '));
    const rec = parsed.data;
    if (existing && !incomingWins(existing.data as { updatedAt: string; updatedBy: string }, rec)) {
      throw httpError('conflict', { zh: '这条记录刚被设备更新过，请刷新后再改。', en: 'A device changed this record just now; refresh and edit again.' });
    }
    const seq = await nextChangeSeq(q);
    await q.query(
      `INSERT INTO records (kind, id, school_id, data, updated_at, updated_by, deleted, seq, last_writer_device)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::bigint, NULL)
       ON CONFLICT (kind, id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by,
         deleted = EXCLUDED.deleted, seq = EXCLUDED.seq, last_writer_device = NULL`,
      [kind, recordId, schoolId, JSON.stringify(rec), rec.updatedAt, rec.updatedBy, rec.deleted, seq],
    );
    return rec;
  });
}

/** Soft delete (the deletion syncs like any other change). */
export async function deleteStaffRecord(ctx: CloudContext, staff: StaffAuth | null, schoolId: string, kind: RecordTable, recordId: string): Promise<unknown> {
  await schoolInScope(ctx.db, staff, schoolId);
  const cur = await ctx.db.query<{ school_id: string; data: Record<string, unknown> }>('SELECT school_id, data FROM records WHERE kind = $1 AND id = $2', [kind, recordId]);
  const existing = cur.rows[0];
  if (!existing || existing.school_id !== schoolId) throw notFound({ zh: '这条记录', en: 'record' });
  return putStaffRecord(ctx, staff, schoolId, kind, recordId, { ...existing.data, deleted: true });
}

export async function listRecords(ctx: CloudContext, staff: StaffAuth | null, schoolId: string, kind: RecordTable, includeDeleted = false): Promise<unknown[]> {
  await schoolInScope(ctx.db, staff, schoolId);
  const r = await ctx.db.query<{ data: unknown }>(
    `SELECT data FROM records WHERE school_id = $1 AND kind = $2 ${includeDeleted ? '' : 'AND NOT deleted'} ORDER BY data->>'createdAt', id`,
    [schoolId, kind],
  );
  return r.rows.map((row) => row.data);
}
