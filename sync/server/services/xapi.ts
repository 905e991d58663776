/**
 * xAPI 1.0.3 export of progress events: statement id = event id, verbs mapped to ADL/Tin Can IRIs,
 * learners as account agents (no names leave the cloud), activities under the cloud's public URL.
 */
import type { EventVerb } from '../../../common/records/records';
import type { StaffAuth } from '../auth/auth';
import type { CloudContext } from '../context';
import { iso } from '../ids';
import { schoolInScope } from './schools';

export const XAPI_VERBS: Record<EventVerb, { id: string; zh: string; en: string }> = {
  viewed: { id: 'http://id.tincanapi.com/verb/viewed', zh: '查看', en: 'viewed' },
  answered: { id: 'http://adlnet.gov/expapi/verbs/answered', zh: '作答', en: 'answered' },
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', zh: '完成', en: 'completed' },
  mastered: { id: 'http://adlnet.gov/expapi/verbs/mastered', zh: '掌握', en: 'mastered' },
  progressed: { id: 'http://adlnet.gov/expapi/verbs/progressed', zh: '进度', en: 'progressed' },
};

export interface EventRow {
  id: string;
  school_id: string;
  device_id: string;
  learner_id: string;
  class_id: string | null;
  verb: EventVerb;
  object_id: string;
  pack_id: string | null;
  created_at: unknown;
  received_at: unknown;
  result: { success?: boolean; score?: number; response?: string; durationMs?: number; position?: number } | null;
}

/** ISO 8601 duration with up to 2 decimals of seconds, as xAPI wants (`PT1M5.25S`). */
export function isoDuration(ms: number): string {
  const totalCs = Math.round(ms / 10);
  const h = Math.floor(totalCs / 360000);
  const m = Math.floor((totalCs % 360000) / 6000);
  const s = (totalCs % 6000) / 100;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`;
}

export function toStatement(publicUrl: string, e: EventRow): Record<string, unknown> {
  const verb = XAPI_VERBS[e.verb];
  const statement: Record<string, unknown> = {
    id: e.id,
    actor: { objectType: 'Agent', account: { homePage: `${publicUrl}/learners`, name: e.learner_id } },
    verb: { id: verb.id, display: { 'zh-CN': verb.zh, 'en-US': verb.en } },
    object: { objectType: 'Activity', id: `${publicUrl}/activities/${e.object_id.split('/').map(encodeURIComponent).join('/')}` },
    timestamp: iso(e.created_at),
    stored: iso(e.received_at),
    version: '1.0.3',
    context: {
      platform: 'TeachPoint',
      extensions: {
        [`${publicUrl}/xapi/school`]: e.school_id,
        [`${publicUrl}/xapi/device`]: e.device_id,
        ...(e.class_id ? { [`${publicUrl}/xapi/class`]: e.class_id } : {}),
        ...(e.pack_id ? { [`${publicUrl}/xapi/pack`]: e.pack_id } : {}),
      },
    },
  };
  const r = e.result;
  if (r && Object.keys(r).length) {
    const result: Record<string, unknown> = {};
    if (r.success !== undefined) result.success = r.success;
    if (r.score !== undefined) result.score = { scaled: r.score };
    if (r.response !== undefined) result.response = r.response;
    if (r.durationMs !== undefined) result.duration = isoDuration(r.durationMs);
    if (e.verb === 'completed' || e.verb === 'mastered') result.completion = true;
    if (r.position !== undefined) result.extensions = { [`${publicUrl}/xapi/position`]: r.position };
    statement.result = result;
  }
  return statement;
}

export interface ExportFilter {
  schoolId?: string;
  since?: string;
  until?: string;
}

/**
 * Statements in pages (keyset on created_at, id), for a streamed download. A county admin gets only
 * their county; a school outside it is "not found".
 */
export async function* exportStatements(ctx: CloudContext, staff: StaffAuth | null, filter: ExportFilter, pageSize = 2000): AsyncGenerator<Record<string, unknown>> {
  if (filter.schoolId) await schoolInScope(ctx.db, staff, filter.schoolId);
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.schoolId) where.push(`e.school_id = $${params.push(filter.schoolId)}`);
  if (staff?.countyId) where.push(`s.county_id = $${params.push(staff.countyId)}`);
  if (filter.since) where.push(`e.created_at >= $${params.push(new Date(filter.since))}`);
  if (filter.until) where.push(`e.created_at < $${params.push(new Date(filter.until))}`);
  let after: { createdKey: string; id: string } | undefined;
  for (;;) {
    const w = [...where];
    const p = [...params];
    if (after) w.push(`(e.created_at, e.id) > ($${p.push(after.createdKey)}::timestamptz, $${p.push(after.id)}::uuid)`);
    const r = await ctx.db.query<EventRow & { created_key: string }>(
      `SELECT e.id::text AS id, e.school_id, e.device_id, e.learner_id, e.class_id, e.verb, e.object_id, e.pack_id, e.created_at, e.created_at::text AS created_key, e.received_at, e.result
         FROM events e JOIN schools s ON s.id = e.school_id
        ${w.length ? `WHERE ${w.join(' AND ')}` : ''}
        ORDER BY e.created_at, e.id LIMIT ${pageSize}`,
      p,
    );
    for (const row of r.rows) yield toStatement(ctx.publicUrl, row);
    if (r.rows.length < pageSize) return;
    const last = r.rows[r.rows.length - 1]!;
    after = { createdKey: last.created_key, id: last.id };
  }
}
