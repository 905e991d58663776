/**
 * Releasing pack versions to schools, and what staff can list. A release is one row per (school,
 * pack version); choosing schools by county or list and packs by id or by 学段/学科/版本 (the
 * facets read from each manifest's lesson tree) only decides which rows are written. Rows reach
 * devices through pull (pull-sources.ts): every write takes the change lock and fresh change_seq
 * values, withdrawal is a soft delete that devices see as `deleted: true`.
 */
import type { StaffAuth } from '../auth/auth';
import type { CloudContext } from '../context';
import { nextChangeSeq, takeChangeLock, type Queryable } from '../db/db';
import { badRequest, notFound } from '../errors';
import { iso } from '../ids';
import { countyInScope, schoolInScope } from '../services/schools';
import type { PackFacet } from './publish';

export interface PackVersionView {
  packId: string;
  version: number;
  title: Record<string, string>;
  manifestSha256: string;
  totalBytes: number;
  blobCount: number;
  facets: PackFacet[];
  publisher: { keyId: string; name: string };
  uploadedBy: string;
  uploadedAt: string;
  /** Schools (in the caller's scope) this version is released to, withdrawn ones not counted. */
  releasedSchools: number;
}

export interface ReleaseView {
  schoolId: string;
  schoolName: string;
  countyId: string;
  packId: string;
  version: number;
  title: Record<string, string>;
  releasedBy: string | null;
  releasedAt: string;
  updatedAt: string;
  withdrawn: boolean;
}

/** Which pack versions: one by id (latest version unless given), or the latest of every pack matching 学段/学科/版本. */
export interface PackSelector {
  packId?: string | undefined;
  version?: number | undefined;
  stage?: string | undefined;
  subject?: string | undefined;
  edition?: string | undefined;
}
/** Which schools: a list, or every school of a county (a county admin's own by default). */
export interface SchoolSelector {
  schoolIds?: string[] | undefined;
  countyId?: string | undefined;
}

interface VersionRow {
  pack_id: string;
  version: number;
  title: Record<string, string>;
  manifest_sha256: string;
  total_bytes: string | number;
  blob_count: number;
  facets: PackFacet[];
  publisher_key_id: string;
  certificate: { subject: { name: string } };
  uploaded_by_name: string;
  uploaded_at: unknown;
  released_schools?: string | number;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function versionView(r: VersionRow): PackVersionView {
  return {
    packId: r.pack_id,
    version: r.version,
    title: json(r.title),
    manifestSha256: r.manifest_sha256,
    totalBytes: Number(r.total_bytes),
    blobCount: r.blob_count,
    facets: json(r.facets),
    publisher: { keyId: r.publisher_key_id, name: json<VersionRow['certificate']>(r.certificate).subject.name },
    uploadedBy: r.uploaded_by_name,
    uploadedAt: iso(r.uploaded_at)!,
    releasedSchools: Number(r.released_schools ?? 0),
  };
}

const VERSION_COLUMNS = `v.pack_id, v.version, v.title, v.manifest_sha256, v.total_bytes, v.blob_count, v.facets, v.publisher_key_id,
  v.certificate, v.uploaded_by_name, v.uploaded_at`;

/** Every published pack version (packs are province-wide), newest first, with release counts in the caller's scope. */
export async function listPackVersions(q: Queryable, staff: StaffAuth | null, filter: { packId?: string | undefined } = {}): Promise<PackVersionView[]> {
  const r = await q.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS},
            (SELECT count(*) FROM pack_releases r JOIN schools s ON s.id = r.school_id
              WHERE r.pack_id = v.pack_id AND r.version = v.version AND NOT r.deleted AND ($1::text IS NULL OR s.county_id = $1)) AS released_schools
       FROM pack_versions v WHERE ($2::text IS NULL OR v.pack_id = $2)
      ORDER BY v.pack_id, v.version DESC`,
    [staff?.countyId ?? null, filter.packId ?? null],
  );
  return r.rows.map(versionView);
}

export async function getPackVersion(q: Queryable, staff: StaffAuth | null, packId: string, version: number): Promise<PackVersionView> {
  const found = (await listPackVersions(q, staff, { packId })).find((v) => v.version === version);
  if (!found) throw notFound({ zh: `资源包 ${packId} 第 ${version} 版`, en: `pack ${packId} version ${version}` });
  return found;
}

const matches = (value: { id: string; title: string } | null, wanted: string | undefined): boolean =>
  wanted === undefined || (value !== null && (value.id === wanted || value.title === wanted));

async function selectVersions(q: Queryable, staff: StaffAuth | null, sel: PackSelector): Promise<PackVersionView[]> {
  if (sel.packId) {
    const versions = await listPackVersions(q, staff, { packId: sel.packId });
    const chosen = sel.version === undefined ? versions[0] : versions.find((v) => v.version === sel.version);
    if (!chosen) throw notFound({ zh: `资源包 ${sel.packId}${sel.version === undefined ? '' : ` 第 ${sel.version} 版`}`, en: `pack ${sel.packId}${sel.version === undefined ? '' : ` version ${sel.version}`}` });
    return [chosen];
  }
  if (sel.stage === undefined && sel.subject === undefined && sel.edition === undefined) {
    throw badRequest('name a packId, or at least one of stage / subject / edition (学段/学科/版本)');
  }
  const latest = new Map<string, PackVersionView>();
  for (const v of await listPackVersions(q, staff)) if (!latest.has(v.packId)) latest.set(v.packId, v);
  const chosen = [...latest.values()].filter((v) => v.facets.some((f) => matches(f.stage, sel.stage) && matches(f.subject, sel.subject) && matches(f.edition, sel.edition)));
  if (chosen.length === 0) {
    const what = [sel.stage, sel.subject, sel.edition].filter(Boolean).join('/');
    throw notFound({ zh: `属于“${what}”的资源包`, en: `pack for "${what}"` });
  }
  return chosen;
}

async function selectSchools(q: Queryable, staff: StaffAuth | null, sel: SchoolSelector): Promise<string[]> {
  if (sel.schoolIds && sel.schoolIds.length > 0) {
    const ids: string[] = [];
    for (const id of new Set(sel.schoolIds)) ids.push((await schoolInScope(q, staff, id)).id);
    return ids;
  }
  const countyId = await countyInScope(q, staff, sel.countyId);
  const r = await q.query<{ id: string }>('SELECT id FROM schools WHERE county_id = $1 ORDER BY id', [countyId]);
  return r.rows.map((s) => s.id);
}

export interface ReleaseResult {
  /** Pack versions released, each with the schools that got a new (or renewed) release. */
  released: { packId: string; version: number; schoolIds: string[] }[];
  /** (school, version) pairs that were already released and stayed as they were. */
  unchanged: number;
}

/**
 * Releases the selected pack versions to the selected schools (in the caller's county; a province
 * admin, or `null` for the operator's CLI: any).
 */
export async function releasePacks(ctx: CloudContext, staff: StaffAuth | null, packs: PackSelector, schools: SchoolSelector): Promise<ReleaseResult> {
  return ctx.db.tx(async (q) => {
    const versions = await selectVersions(q, staff, packs);
    const schoolIds = await selectSchools(q, staff, schools);
    await takeChangeLock(q);
    const now = ctx.clock();
    const result: ReleaseResult = { released: [], unchanged: 0 };
    for (const v of versions) {
      const done: string[] = [];
      for (const schoolId of schoolIds) {
        const active = await q.query('SELECT 1 FROM pack_releases WHERE school_id = $1 AND pack_id = $2 AND version = $3 AND NOT deleted', [schoolId, v.packId, v.version]);
        if (active.rows.length) {
          result.unchanged++;
          continue;
        }
        // The certificate change first, so a device holds the key before it sees the release.
        const trustSeq = await nextChangeSeq(q);
        const seq = await nextChangeSeq(q);
        await q.query(
          `INSERT INTO pack_releases (school_id, pack_id, version, released_by, released_at, updated_at, deleted, seq, trust_seq)
           VALUES ($1, $2, $3, $4, $5, $5, false, $6, $7)
           ON CONFLICT (school_id, pack_id, version) DO UPDATE
             SET released_by = EXCLUDED.released_by, released_at = EXCLUDED.released_at, updated_at = EXCLUDED.updated_at,
                 deleted = false, seq = EXCLUDED.seq, trust_seq = EXCLUDED.trust_seq`,
          [schoolId, v.packId, v.version, staff?.accountId ?? null, now, seq, trustSeq],
        );
        done.push(schoolId);
      }
      if (done.length) result.released.push({ packId: v.packId, version: v.version, schoolIds: done });
    }
    return result;
  });
}

/** Withdraws a pack version from the selected schools (soft delete; devices see `deleted: true`). Returns how many releases changed. */
export async function withdrawRelease(ctx: CloudContext, staff: StaffAuth | null, pack: { packId: string; version: number }, schools: SchoolSelector): Promise<{ withdrawn: number }> {
  return ctx.db.tx(async (q) => {
    const schoolIds = await selectSchools(q, staff, schools);
    await takeChangeLock(q);
    let withdrawn = 0;
    for (const schoolId of schoolIds) {
      const seq = await nextChangeSeq(q);
      const r = await q.query(
        'UPDATE pack_releases SET deleted = true, updated_at = $4, seq = $5 WHERE school_id = $1 AND pack_id = $2 AND version = $3 AND NOT deleted',
        [schoolId, pack.packId, pack.version, ctx.clock(), seq],
      );
      withdrawn += r.rowCount;
    }
    return { withdrawn };
  });
}

/** Releases in the caller's scope, newest change first. */
export async function listReleases(
  q: Queryable,
  staff: StaffAuth,
  filter: { packId?: string | undefined; version?: number | undefined; schoolId?: string | undefined; includeWithdrawn?: boolean | undefined } = {},
): Promise<ReleaseView[]> {
  if (filter.schoolId) await schoolInScope(q, staff, filter.schoolId);
  const r = await q.query<{
    school_id: string;
    school_name: string;
    county_id: string;
    pack_id: string;
    version: number;
    title: unknown;
    released_by: string | null;
    released_at: unknown;
    updated_at: unknown;
    deleted: boolean;
  }>(
    `SELECT r.school_id, s.name AS school_name, s.county_id, r.pack_id, r.version, v.title, a.username AS released_by, r.released_at, r.updated_at, r.deleted
       FROM pack_releases r
       JOIN schools s ON s.id = r.school_id
       JOIN pack_versions v ON v.pack_id = r.pack_id AND v.version = r.version
       LEFT JOIN accounts a ON a.id = r.released_by
      WHERE ($1::text IS NULL OR s.county_id = $1) AND ($2::text IS NULL OR r.pack_id = $2) AND ($3::int IS NULL OR r.version = $3)
        AND ($4::text IS NULL OR r.school_id = $4) AND ($5::boolean OR NOT r.deleted)
      ORDER BY r.seq DESC LIMIT 5000`,
    [staff.countyId, filter.packId ?? null, filter.version ?? null, filter.schoolId ?? null, filter.includeWithdrawn ?? false],
  );
  return r.rows.map((x) => ({
    schoolId: x.school_id,
    schoolName: x.school_name,
    countyId: x.county_id,
    packId: x.pack_id,
    version: x.version,
    title: json(x.title),
    releasedBy: x.released_by,
    releasedAt: iso(x.released_at)!,
    updatedAt: iso(x.updated_at)!,
    withdrawn: x.deleted,
  }));
}
