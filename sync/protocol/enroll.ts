/**
 * Enrollment: a device becomes a member of one school and gets a per-device token.
 * Online: `POST /api/v1/enroll` with a one-time code county staff made for that school.
 * Offline: county staff download an enrollment file (a pre-issued device and token) and carry it
 * to the school on a USB stick; the device imports it and is enrolled without any network.
 */
import { z } from 'zod';
import { IsoTime, ProtocolVersionField } from './common';

/** `XXXX-XXXX-XXXX`, base32 without 0/1/I/O (easy to read aloud and type). Case-insensitive. */
export const ENROLLMENT_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const EnrollmentCodeSchema = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{12}$/, 'enrollment code: 12 letters/digits, e.g. ABCD-EFGH-JKLM'));

export const DeviceInfoSchema = z.object({
  /** Shown to county staff, e.g. "教师机" or the computer name. */
  name: z.string().trim().min(1).max(64),
  platform: z.string().max(64).optional(),
  appVersion: z.string().max(64).optional(),
});
export type DeviceInfo = z.infer<typeof DeviceInfoSchema>;

export const EnrollRequestSchema = z.object({
  protocolVersion: ProtocolVersionField,
  code: EnrollmentCodeSchema,
  device: DeviceInfoSchema,
});
export type EnrollRequest = z.input<typeof EnrollRequestSchema>;

export const SchoolRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  countyId: z.string(),
  countyName: z.string(),
});
export type SchoolRef = z.infer<typeof SchoolRefSchema>;

export const EnrollResponseSchema = z.object({
  protocolVersion: ProtocolVersionField,
  deviceId: z.string(),
  /** `tpd_` + 43 base64url chars. Secret: the host keeps it in its data dir, never in IndexedDB. */
  token: z.string().regex(/^tpd_[A-Za-z0-9_-]{43}$/),
  school: SchoolRefSchema,
  serverTime: IsoTime,
});
export type EnrollResponse = z.infer<typeof EnrollResponseSchema>;

export const ENROLLMENT_FILE_FORMAT = 'teachpoint-enrollment/1';
/** Suggested file name: `<school name>.tpenroll.json`. Holds a secret: treat like a key. */
export const EnrollmentFileSchema = z.object({
  format: z.literal(ENROLLMENT_FILE_FORMAT),
  /** Where the device syncs when it ever gets a network (may be unreachable from the school). */
  cloudUrl: z.string().url(),
  deviceId: z.string(),
  token: z.string().regex(/^tpd_[A-Za-z0-9_-]{43}$/),
  school: SchoolRefSchema,
  issuedAt: IsoTime,
  issuedBy: z.string(),
});
export type EnrollmentFile = z.infer<typeof EnrollmentFileSchema>;
