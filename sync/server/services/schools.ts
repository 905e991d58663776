/** Counties and schools, and the scope rule: a county admin sees only their county. */
import type { StaffAuth } from '../auth/auth';
import type { Queryable } from '../db/db';
import { forbidden, httpError, notFound } from '../errors';
import { iso, newId } from '../ids';

export interface CountyView {
  id: string;
  name: string;
}
export interface SchoolView {
  id: string;
  name: string;
  countyId: string;
  countyName: string;
  createdAt: string;
}

export async function createCounty(q: Queryable, staff: StaffAuth | null, name: string): Promise<CountyView> {
  if (staff && staff.role !== 'province-admin') throw forbidden();
  const clean = name.trim();
  if (!clean || clean.length > 64) throw httpError('protocol.bad-request', { zh: '县名不能为空，最多 64 个字。', en: 'A county name is 1–64 characters.' });
  const exists = await q.query('SELECT 1 FROM counties WHERE name = $1', [clean]);
  if (exists.rows.length) throw httpError('conflict', { zh: `县“${clean}”已存在。`, en: `The county "${clean}" already exists.` });
  const id = newId();
  await q.query('INSERT INTO counties (id, name) VALUES ($1, $2)', [id, clean]);
  return { id, name: clean };
}

export async function listCounties(q: Queryable, staff: StaffAuth): Promise<CountyView[]> {
  const r = staff.countyId
    ? await q.query<CountyView>('SELECT id, name FROM counties WHERE id = $1', [staff.countyId])
    : await q.query<CountyView>('SELECT id, name FROM counties ORDER BY name');
  return r.rows;
}

/** The county id a staff member acts in: their own, or (province) the one they name, which must exist. */
export async function countyInScope(q: Queryable, staff: StaffAuth | null, countyId: string | undefined): Promise<string> {
  if (staff?.countyId) {
    if (countyId && countyId !== staff.countyId) throw notFound({ zh: '这个县', en: 'county' });
    return staff.countyId;
  }
  if (!countyId) throw httpError('protocol.bad-request', { zh: '请选择一个县。', en: 'Choose a county.' });
  const r = await q.query('SELECT 1 FROM counties WHERE id = $1', [countyId]);
  if (!r.rows.length) throw notFound({ zh: '这个县', en: 'county' });
  return countyId;
}

export async function createSchool(q: Queryable, staff: StaffAuth | null, input: { countyId?: string; name: string }): Promise<SchoolView> {
  const countyId = await countyInScope(q, staff, input.countyId);
  const name = input.name.trim();
  if (!name || name.length > 100) throw httpError('protocol.bad-request', { zh: '学校名不能为空，最多 100 个字。', en: 'A school name is 1–100 characters.' });
  const exists = await q.query('SELECT 1 FROM schools WHERE county_id = $1 AND name = $2', [countyId, name]);
  if (exists.rows.length) throw httpError('conflict', { zh: `本县已有名为“${name}”的学校。`, en: `This county already has a school named "${name}".` });
  const id = newId();
  await q.query('INSERT INTO schools (id, county_id, name) VALUES ($1, $2, $3)', [id, countyId, name]);
  return (await getSchool(q, id))!;
}

export async function getSchool(q: Queryable, id: string): Promise<SchoolView | undefined> {
  const r = await q.query<{ id: string; name: string; county_id: string; county_name: string; created_at: unknown }>(
    'SELECT s.id, s.name, s.county_id, c.name AS county_name, s.created_at FROM schools s JOIN counties c ON c.id = s.county_id WHERE s.id = $1',
    [id],
  );
  const s = r.rows[0];
  return s && { id: s.id, name: s.name, countyId: s.county_id, countyName: s.county_name, createdAt: iso(s.created_at)! };
}

/** The school, if this staff member may see it; another county's school is "not found" (ids do not leak). */
export async function schoolInScope(q: Queryable, staff: StaffAuth | null, schoolId: string): Promise<SchoolView> {
  const school = await getSchool(q, schoolId);
  if (!school || (staff?.countyId && school.countyId !== staff.countyId)) throw notFound({ zh: '这所学校', en: 'school' });
  return school;
}

export async function listSchools(q: Queryable, staff: StaffAuth, countyId?: string): Promise<SchoolView[]> {
  const scope = staff.countyId ?? countyId;
  const r = await q.query<{ id: string; name: string; county_id: string; county_name: string; created_at: unknown }>(
    `SELECT s.id, s.name, s.county_id, c.name AS county_name, s.created_at FROM schools s JOIN counties c ON c.id = s.county_id
      ${scope ? 'WHERE s.county_id = $1' : ''} ORDER BY c.name, s.name`,
    scope ? [scope] : [],
  );
  return r.rows.map((s) => ({ id: s.id, name: s.name, countyId: s.county_id, countyName: s.county_name, createdAt: iso(s.created_at)! }));
}
