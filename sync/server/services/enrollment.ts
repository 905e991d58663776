/** One-time enrollment codes, offline enrollment files, devices and their tokens. */
import type { StaffAuth } from '../auth/auth';
import { formatEnrollmentCode, newEnrollmentCode, newToken, tokenHash } from '../auth/secrets';
import type { CloudContext } from '../context';
import type { Queryable } from '../db/db';
import { httpError, notFound } from '../errors';
import { iso, newId } from '../ids';
import { ENROLLMENT_FILE_FORMAT, type DeviceInfo, type EnrollResponse, type EnrollmentFile } from '../../protocol/enroll';
import { PROTOCOL_VERSION } from '../../protocol/version';
import { getSchool, schoolInScope } from './schools';

export interface EnrollmentCodeView {
  id: string;
  code: string;
  schoolId: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedByDevice: string | null;
  revokedAt: string | null;
  state: 'active' | 'used' | 'revoked' | 'expired';
}

export async function createEnrollmentCode(ctx: CloudContext, staff: StaffAuth | null, schoolId: string, expiresInSeconds?: number): Promise<EnrollmentCodeView> {
  await schoolInScope(ctx.db, staff, schoolId);
  const seconds = Math.min(Math.max(60, expiresInSeconds ?? ctx.limits.enrollmentCodeSeconds), 90 * 24 * 3600);
  const now = ctx.clock();
  const id = newId();
  const code = newEnrollmentCode();
  await ctx.db.query('INSERT INTO enrollment_codes (id, code, school_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    id,
    code,
    schoolId,
    staff?.accountId ?? null,
    now,
    new Date(now.getTime() + seconds * 1000),
  ]);
  return (await listEnrollmentCodes(ctx, staff, schoolId)).find((c) => c.id === id)!;
}

export async function listEnrollmentCodes(ctx: CloudContext, staff: StaffAuth | null, schoolId: string): Promise<EnrollmentCodeView[]> {
  await schoolInScope(ctx.db, staff, schoolId);
  const now = ctx.clock().getTime();
  const r = await ctx.db.query<{ id: string; code: string; school_id: string; created_at: unknown; expires_at: unknown; used_at: unknown; used_by_device: string | null; revoked_at: unknown }>(
    'SELECT id, code, school_id, created_at, expires_at, used_at, used_by_device, revoked_at FROM enrollment_codes WHERE school_id = $1 ORDER BY created_at DESC',
    [schoolId],
  );
  return r.rows.map((c) => {
    const expiresAt = iso(c.expires_at)!;
    const state = c.revoked_at ? 'revoked' : c.used_at ? 'used' : new Date(expiresAt).getTime() <= now ? 'expired' : 'active';
    return {
      id: c.id,
      code: formatEnrollmentCode(c.code),
      schoolId: c.school_id,
      createdAt: iso(c.created_at)!,
      expiresAt,
      usedAt: iso(c.used_at),
      usedByDevice: c.used_by_device,
      revokedAt: iso(c.revoked_at),
      state,
    };
  });
}

export async function revokeEnrollmentCode(ctx: CloudContext, staff: StaffAuth | null, codeId: string): Promise<void> {
  const r = await ctx.db.query<{ school_id: string }>('SELECT school_id FROM enrollment_codes WHERE id = $1', [codeId]);
  if (!r.rows[0]) throw notFound({ zh: '这个登记码', en: 'enrollment code' });
  await schoolInScope(ctx.db, staff, r.rows[0].school_id);
  await ctx.db.query('UPDATE enrollment_codes SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [codeId, ctx.clock()]);
}

const badCode = () =>
  httpError('enroll.bad-code', {
    zh: '登记码不对、已用过、已作废或已过期。请核对后重试，或向县电教馆要一个新的登记码。',
    en: 'The enrollment code is wrong, used, revoked or expired. Check it, or ask county staff for a new code.',
  });

/** Device enrollment with a one-time code: consumed atomically (two racing devices: one wins). */
export async function enrollWithCode(ctx: CloudContext, code: string, device: DeviceInfo): Promise<EnrollResponse> {
  const now = ctx.clock();
  const token = newToken('tpd');
  const deviceId = newId();
  const schoolId = await ctx.db.tx(async (q) => {
    const claim = await q.query<{ school_id: string }>(
      `UPDATE enrollment_codes SET used_at = $2
        WHERE code = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
        RETURNING school_id`,
      [code, now],
    );
    const row = claim.rows[0];
    if (!row) return undefined;
    await insertDevice(q, { id: deviceId, schoolId: row.school_id, info: device, tokenHash: tokenHash(token), via: 'code', now });
    await q.query('UPDATE enrollment_codes SET used_by_device = $2 WHERE code = $1', [code, deviceId]);
    return row.school_id;
  });
  if (!schoolId) throw badCode();
  const school = (await getSchool(ctx.db, schoolId))!;
  return {
    protocolVersion: PROTOCOL_VERSION,
    deviceId,
    token,
    school: { id: school.id, name: school.name, countyId: school.countyId, countyName: school.countyName },
    serverTime: now.toISOString(),
  };
}

async function insertDevice(q: Queryable, d: { id: string; schoolId: string; info: DeviceInfo; tokenHash: string; via: 'code' | 'file'; now: Date }): Promise<void> {
  await q.query(
    'INSERT INTO devices (id, school_id, name, platform, app_version, token_hash, enrolled_via, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [d.id, d.schoolId, d.info.name, d.info.platform ?? null, d.info.appVersion ?? null, d.tokenHash, d.via, d.now],
  );
}

/** Offline enrollment: the device row and its token are made now; the file carries them to the school. */
export async function createEnrollmentFile(ctx: CloudContext, staff: StaffAuth | null, schoolId: string, deviceName: string): Promise<EnrollmentFile> {
  const school = await schoolInScope(ctx.db, staff, schoolId);
  const now = ctx.clock();
  const token = newToken('tpd');
  const deviceId = newId();
  await insertDevice(ctx.db, { id: deviceId, schoolId, info: { name: deviceName.trim() || school.name }, tokenHash: tokenHash(token), via: 'file', now });
  return {
    format: ENROLLMENT_FILE_FORMAT,
    cloudUrl: ctx.publicUrl,
    deviceId,
    token,
    school: { id: school.id, name: school.name, countyId: school.countyId, countyName: school.countyName },
    issuedAt: now.toISOString(),
    issuedBy: staff?.username ?? 'cli',
  };
}

export interface DeviceView {
  id: string;
  schoolId: string;
  name: string;
  platform: string | null;
  appVersion: string | null;
  enrolledVia: 'code' | 'file';
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
  lastPushAt: string | null;
  lastPullAt: string | null;
  queuedEvents: number | null;
  queuedRecords: number | null;
  bytesToDownload: number | null;
  installedPacks: { packId: string; version: number }[] | null;
}

export async function listDevices(ctx: CloudContext, staff: StaffAuth | null, schoolId: string): Promise<DeviceView[]> {
  await schoolInScope(ctx.db, staff, schoolId);
  const r = await ctx.db.query<Record<string, unknown>>('SELECT * FROM devices WHERE school_id = $1 ORDER BY created_at', [schoolId]);
  return r.rows.map(deviceView);
}

/** A `devices` row (SELECT *) as the staff API shows it; also used by the dashboard's overview. */
export function deviceView(d: Record<string, unknown>): DeviceView {
  return {
    id: d.id as string,
    schoolId: d.school_id as string,
    name: d.name as string,
    platform: (d.platform as string | null) ?? null,
    appVersion: (d.app_version as string | null) ?? null,
    enrolledVia: d.enrolled_via as 'code' | 'file',
    createdAt: iso(d.created_at)!,
    revokedAt: iso(d.revoked_at),
    lastSeenAt: iso(d.last_seen_at),
    lastPushAt: iso(d.last_push_at),
    lastPullAt: iso(d.last_pull_at),
    queuedEvents: d.queued_events === null ? null : Number(d.queued_events),
    queuedRecords: d.queued_records === null ? null : Number(d.queued_records),
    bytesToDownload: d.bytes_to_download === null ? null : Number(d.bytes_to_download),
    installedPacks: (d.installed_packs as DeviceView['installedPacks']) ?? null,
  };
}

export async function revokeDevice(ctx: CloudContext, staff: StaffAuth | null, deviceId: string): Promise<void> {
  const r = await ctx.db.query<{ school_id: string }>('SELECT school_id FROM devices WHERE id = $1', [deviceId]);
  if (!r.rows[0]) throw notFound({ zh: '这台设备', en: 'device' });
  await schoolInScope(ctx.db, staff, r.rows[0].school_id);
  await ctx.db.query('UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [deviceId, ctx.clock()]);
}
