/**
 * What the county dashboard shows, each page in a fixed number of queries whatever the county's
 * size: the teaching points with their devices (2 queries), and class progress summaries computed
 * in SQL over the events and records tables (3 queries). Scoped like every staff route: a county
 * admin sees only their county; a province admin names a county or sees all.
 */
import type { ClassProgress, SchoolProgress } from '../../protocol/dashboard';
import type { StaffAuth } from '../auth/auth';
import type { CloudContext } from '../context';
import { notFound } from '../errors';
import { deviceView, type DeviceView } from './enrollment';
import { countyInScope, listSchools, schoolInScope, type SchoolView } from './schools';

export type { ClassProgress, SchoolProgress } from '../../protocol/dashboard';

export interface SchoolOverview extends SchoolView {
  devices: DeviceView[];
  /** Latest push or pull of any of its devices; null when none has synced yet. */
  lastSyncAt: string | null;
  /** Sums over the school's devices of what they last reported. */
  queuedEvents: number;
  bytesToDownload: number;
}

/** The county's schools, for the province (all, or `countyId`) or a county admin (their own). */
async function schoolsInScope(ctx: CloudContext, staff: StaffAuth, countyId: string | undefined): Promise<SchoolView[]> {
  if (countyId || staff.countyId) await countyInScope(ctx.db, staff, countyId);
  return listSchools(ctx.db, staff, countyId);
}

/** Schools with their (not revoked) devices and what those devices last reported. */
export async function schoolsOverview(ctx: CloudContext, staff: StaffAuth, countyId?: string): Promise<SchoolOverview[]> {
  const schools = await schoolsInScope(ctx, staff, countyId);
  const scope = staff.countyId ?? countyId;
  const r = await ctx.db.query<Record<string, unknown>>(
    `SELECT d.* FROM devices d JOIN schools s ON s.id = d.school_id
      WHERE d.revoked_at IS NULL ${scope ? 'AND s.county_id = $1' : ''} ORDER BY d.created_at`,
    scope ? [scope] : [],
  );
  const bySchool = new Map<string, DeviceView[]>();
  for (const row of r.rows) {
    const d = deviceView(row);
    bySchool.set(d.schoolId, [...(bySchool.get(d.schoolId) ?? []), d]);
  }
  return schools.map((s) => {
    const devices = bySchool.get(s.id) ?? [];
    const syncs = devices.flatMap((d) => [d.lastPushAt, d.lastPullAt]).filter((t): t is string => t !== null);
    return {
      ...s,
      devices,
      lastSyncAt: syncs.length ? syncs.reduce((a, b) => (a > b ? a : b)) : null,
      queuedEvents: devices.reduce((n, d) => n + (d.queuedEvents ?? 0), 0),
      bytesToDownload: devices.reduce((n, d) => n + (d.bytesToDownload ?? 0), 0),
    };
  });
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Class progress per school. The windowed counts read events through `events_school_created`
 * (school, created_at ≥ 30 days ago); mastery reads the small partial index `events_mastered`
 * (migration 004), so neither scans a school's whole history.
 */
export async function classProgress(ctx: CloudContext, staff: StaffAuth, query: { countyId?: string; schoolId?: string }): Promise<SchoolProgress[]> {
  let schools: SchoolView[];
  if (query.schoolId) {
    const school = await schoolInScope(ctx.db, staff, query.schoolId);
    if (query.countyId && school.countyId !== query.countyId) throw notFound({ zh: '这所学校', en: 'school' });
    schools = [school];
  } else {
    schools = await schoolsInScope(ctx, staff, query.countyId);
  }
  if (!schools.length) return [];
  const ids = schools.map((s) => s.id);
  const now = ctx.clock().getTime();
  const since7 = new Date(now - 7 * DAY_MS);
  const since30 = new Date(now - 30 * DAY_MS);

  const [classes, learners, recent, mastery] = await Promise.all([
    ctx.db.query<{ school_id: string; id: string; name: string | null; grade: string | null }>(
      `SELECT school_id, id, data->>'name' AS name, data->>'grade' AS grade FROM records
        WHERE kind = 'classes' AND school_id = ANY($1::text[]) AND NOT deleted
          AND COALESCE((data->>'archived')::boolean, false) = false`,
      [ids],
    ),
    ctx.db.query<{ school_id: string; class_id: string | null; n: string }>(
      `SELECT school_id, data->>'classId' AS class_id, count(*)::text AS n FROM records
        WHERE kind = 'learners' AND school_id = ANY($1::text[]) AND NOT deleted
          AND COALESCE((data->>'archived')::boolean, false) = false
        GROUP BY 1, 2`,
      [ids],
    ),
    ctx.db.query<{ school_id: string; class_id: string | null; events7: string; events30: string; active7: string; answered30: string; correct30: string }>(
      `SELECT school_id, class_id,
              count(*) FILTER (WHERE created_at >= $2)::text AS events7,
              count(*)::text AS events30,
              count(DISTINCT learner_id) FILTER (WHERE created_at >= $2)::text AS active7,
              count(*) FILTER (WHERE verb = 'answered')::text AS answered30,
              count(*) FILTER (WHERE verb = 'answered' AND (result->>'success')::boolean)::text AS correct30
         FROM events WHERE school_id = ANY($1::text[]) AND created_at >= $3
        GROUP BY 1, 2`,
      [ids, since7, since30],
    ),
    ctx.db.query<{ school_id: string; class_id: string | null; mastered: string; learners: string }>(
      `SELECT school_id, class_id, count(DISTINCT (learner_id, object_id))::text AS mastered, count(DISTINCT learner_id)::text AS learners
         FROM events WHERE school_id = ANY($1::text[]) AND verb = 'mastered'
        GROUP BY 1, 2`,
      [ids],
    ),
  ]);

  const key = (schoolId: string, classId: string | null) => `${schoolId}\u0000${classId ?? ''}`;
  const rows = new Map<string, ClassProgress & { schoolId: string }>();
  const row = (schoolId: string, classId: string | null) => {
    const k = key(schoolId, classId);
    let r = rows.get(k);
    if (!r) {
      r = { schoolId, classId, name: null, grade: null, learners: 0, events7d: 0, events30d: 0, activeLearners7d: 0, answered30d: 0, correct30d: 0, mastered: 0, learnersWithMastery: 0 };
      rows.set(k, r);
    }
    return r;
  };
  for (const c of classes.rows) Object.assign(row(c.school_id, c.id), { name: c.name, grade: c.grade || null });
  // Learners whose class is gone or archived count under "no class" only if they have events there.
  const known = new Set(classes.rows.map((c) => key(c.school_id, c.id)));
  for (const l of learners.rows) if (l.class_id && known.has(key(l.school_id, l.class_id))) row(l.school_id, l.class_id).learners = Number(l.n);
  for (const e of recent.rows) {
    Object.assign(row(e.school_id, e.class_id), {
      events7d: Number(e.events7),
      events30d: Number(e.events30),
      activeLearners7d: Number(e.active7),
      answered30d: Number(e.answered30),
      correct30d: Number(e.correct30),
    });
  }
  for (const m of mastery.rows) Object.assign(row(m.school_id, m.class_id), { mastered: Number(m.mastered), learnersWithMastery: Number(m.learners) });

  return schools.map((s) => ({
    schoolId: s.id,
    schoolName: s.name,
    countyName: s.countyName,
    classes: [...rows.values()]
      .filter((r) => r.schoolId === s.id)
      .map(({ schoolId: _omit, ...r }) => r)
      // Named classes by name; events of a class the school has not synced (or of no class) last.
      .sort((a, b) => (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) || (a.name ?? '').localeCompare(b.name ?? '', 'zh-CN')),
  }));
}
