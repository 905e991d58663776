import { z } from 'zod';
import { defineMethod } from '../define';
import { teacherSessionField } from './teacher';

/**
 * Cloud sync on the host side (issue 8, docs/sync-protocol.md §3). The host keeps the device token
 * in `<data>/sync/credentials.json`; the renderer never sees it. The renderer's sync engine
 * (sync/client) reaches the cloud through `sync.request`, which attaches the token. Enrolling,
 * forgetting and the class-hours timetable need a teacher session (PRIVILEGED_METHODS);
 * `sync.status` and `sync.request` do not (sync runs in the background, with no teacher present).
 */

export const SchoolRef = z.object({ id: z.string(), name: z.string(), countyId: z.string(), countyName: z.string() });

/** `08:00`, 24-hour, local time of the PC. */
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

/** One block of class time, e.g. Monday–Friday 08:00–11:30. Days: 1 = Monday … 7 = Sunday. */
export const ClassPeriod = z.object({
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  start: ClockTime,
  end: ClockTime,
});
export type ClassPeriod = z.infer<typeof ClassPeriod>;

/**
 * When class is on, bulk downloads (P2) are held to `capBytesPerSecond` so the classroom keeps its
 * link; progress and records (P0/P1) are never capped. `null` cap: no limit.
 */
export const ClassHours = z.object({
  periods: z.array(ClassPeriod).max(20),
  capBytesPerSecond: z.number().int().min(1024).nullable(),
});
export type ClassHours = z.infer<typeof ClassHours>;

/** 周一至周五 08:00–11:30, 14:00–16:30 with 16 KB/s for downloads. */
export const DEFAULT_CLASS_HOURS: ClassHours = {
  periods: [
    { days: [1, 2, 3, 4, 5], start: '08:00', end: '11:30' },
    { days: [1, 2, 3, 4, 5], start: '14:00', end: '16:30' },
  ],
  capBytesPerSecond: 16 * 1024,
};

export const SyncHostStatus = z.object({
  enrolled: z.boolean(),
  cloudUrl: z.string().nullable(),
  deviceId: z.string().nullable(),
  school: SchoolRef.nullable(),
  enrolledAt: z.string().nullable(),
  classHours: ClassHours,
  /** The P2 cap in force right now (class is on), null when downloads may use the whole link. */
  capNowBytesPerSecond: z.number().nullable(),
});
export type SyncHostStatus = z.infer<typeof SyncHostStatus>;

/** Paths the renderer may ask for: protocol routes of the enrolled cloud only. */
export const SyncApiPath = z.string().regex(/^\/api\/v1\/[a-z0-9][a-z0-9/_-]*$/).refine((p) => !p.includes('//'), 'no empty path segments');

export const SyncResponse = z.object({
  /** HTTP status; 0 = no answer (network down, cut, timeout). */
  status: z.number().int(),
  /** Parsed JSON answer, undefined when none or not JSON. */
  body: z.unknown(),
  headers: z.record(z.string()),
  /** Bytes on the wire both ways, headers included. */
  wireBytes: z.number().int().nonnegative(),
});
export type SyncResponse = z.infer<typeof SyncResponse>;

export const syncMethods = {
  'sync.status': defineMethod('Is this computer enrolled with a cloud (school, address), and the class-hours timetable', z.object({}).strict(), SyncHostStatus),
  'sync.enroll': defineMethod(
    'Enroll with a cloud using the one-time code from county staff (POST /api/v1/enroll); the host keeps the device token',
    z.object({ cloudUrl: z.string().url().max(500), code: z.string().min(1).max(40), deviceName: z.string().trim().min(1).max(64).optional(), ...teacherSessionField }).strict(),
    SyncHostStatus,
  ),
  'sync.enrollFromFile': defineMethod(
    'Enroll offline with a teachpoint-enrollment/1 file (from a USB stick): by its path on this computer, or its contents',
    z
      .object({ path: z.string().min(1).max(4096).optional(), contents: z.string().min(1).max(64 * 1024).optional(), ...teacherSessionField })
      .strict()
      .refine((r) => (r.path === undefined) !== (r.contents === undefined), 'give path or contents'),
    SyncHostStatus,
  ),
  'sync.request': defineMethod(
    'One protocol request to the enrolled cloud; the host attaches the device token and a hard timeout',
    z
      .object({
        path: SyncApiPath,
        /** JSON text to POST, or null for a GET. */
        body: z.string().max(4 * 1024 * 1024).nullable(),
        gzip: z.boolean(),
        timeoutMs: z.number().int().min(1000).max(600_000).optional(),
      })
      .strict(),
    SyncResponse,
  ),
  'sync.forget': defineMethod('Forget the enrollment (the token is deleted; progress stays queued on this computer)', z.object({ ...teacherSessionField }).strict(), SyncHostStatus),
  'sync.setClassHours': defineMethod('Set the class-hours timetable and the download cap during class', z.object({ classHours: ClassHours, ...teacherSessionField }).strict(), SyncHostStatus),
};
