import { z } from 'zod';
import { TeachPointError } from '../../errors/errors';
import { defineMethod } from '../define';

/**
 * Teacher mode (issue 7 item 1). The PIN lives with the HOST (scrypt hash in `<data>/teacher.json`),
 * never in the renderer. Unlocking returns a **teacher session**: a random token the host keeps in
 * memory with an idle expiry. Privileged methods (PRIVILEGED_METHODS) carry it as `teacherSession`
 * in their request; the host refuses them with `teacher.locked` when it is missing, unknown or
 * idle-expired — so a student page cannot remove, export or import packs or touch 我的资料 even
 * by calling the bridge itself. See docs/architecture.md § "Teacher mode".
 */

/** 4–8 digits: easy on a projector keyboard, hashed with scrypt and rate-limited by the host. */
export const TeacherPin = z.string().regex(/^\d{4,8}$/);
/** Opaque session token (base64url of 32 random bytes). */
export const TeacherSessionToken = z.string().min(16).max(200);
/** The optional field privileged requests carry (optional in the schema so a missing one gets `teacher.locked`, not a 400). */
export const teacherSessionField = { teacherSession: TeacherSessionToken.optional() };
/** One-time reset code printed by `teachpoint teacher reset-pin`: 12 digits, spaces/dashes allowed. */
export const ResetCode = z.string().trim().regex(/^[\d\s-]{12,20}$/);

/** Methods the host runs only with a valid teacher session (removal, export, import, 我的资料 changes). */
export const PRIVILEGED_METHODS = [
  'packs.import',
  'packs.remove',
  'packs.export',
  'materials.add',
  'materials.remove',
  'materials.attach',
  'materials.detach',
  'sync.enroll',
  'sync.enrollFromFile',
  'sync.forget',
  'sync.setClassHours',
  'bundles.progressBegin',
  'bundles.importInbound',
] as const;
export type PrivilegedMethod = (typeof PRIVILEGED_METHODS)[number];

export function isPrivilegedMethod(name: string): name is PrivilegedMethod {
  return (PRIVILEGED_METHODS as readonly string[]).includes(name);
}

export const TeacherStatus = z.object({
  /** False on first use: the UI asks the teacher to choose a PIN. */
  pinSet: z.boolean(),
  /** The session given in the request is valid (asking does not keep it alive). */
  unlocked: z.boolean(),
  /** A session ends after this long without a privileged call or `teacher.touch`. */
  idleTimeoutMs: z.number().int().positive(),
  /** A reset code was printed by the CLI and not yet used or expired. */
  resetCodePending: z.boolean(),
  /** After too many wrong tries: wait this long before the next try (0: may try now). */
  retryAfterMs: z.number().int().nonnegative(),
});
export type TeacherStatus = z.infer<typeof TeacherStatus>;

export const TeacherSession = z.object({ session: TeacherSessionToken, idleTimeoutMs: z.number().int().positive() });
export type TeacherSession = z.infer<typeof TeacherSession>;

export const teacherMethods = {
  'teacher.status': defineMethod(
    'Is a PIN set, and is this teacher session still valid (does not refresh it: only use does)',
    z.object({ session: TeacherSessionToken.optional() }).strict(),
    TeacherStatus,
  ),
  'teacher.setPin': defineMethod(
    'Choose the teacher PIN: on first use without a session; to change it, with a valid session. Returns a new session (all others end)',
    z.object({ pin: TeacherPin, session: TeacherSessionToken.optional() }).strict(),
    TeacherSession,
  ),
  'teacher.unlock': defineMethod('Enter teacher mode with the PIN (rate-limited after wrong tries)', z.object({ pin: TeacherPin }).strict(), TeacherSession),
  'teacher.resetPin': defineMethod(
    'Set a new PIN with the one-time code printed by `npx teachpoint teacher reset-pin` (no network needed)',
    z.object({ code: ResetCode, pin: TeacherPin }).strict(),
    TeacherSession,
  ),
  'teacher.touch': defineMethod('The teacher is active: keep the session alive', z.object({ session: TeacherSessionToken }).strict(), z.object({ unlocked: z.boolean() })),
  'teacher.lock': defineMethod('Leave teacher mode (ends the session)', z.object({ session: TeacherSessionToken }).strict(), z.object({})),
};

export type TeacherErrorCode = 'teacher.locked' | 'teacher.wrong-pin' | 'teacher.too-many-tries' | 'teacher.pin-already-set' | 'teacher.bad-reset-code';

const TEXT: Record<TeacherErrorCode, { zh: string; en: string }> = {
  'teacher.locked': {
    zh: '这项操作只能在教师模式下进行。请老师点“教师”，输入教师密码后再试。',
    en: 'This can only be done in teacher mode. The teacher should open “Teacher”, enter the PIN and try again.',
  },
  'teacher.wrong-pin': { zh: '教师密码不对，请再试一次。', en: 'Wrong teacher PIN. Please try again.' },
  'teacher.too-many-tries': {
    zh: '密码错误次数太多，请稍等后再试。忘记密码时，可在本机命令行运行 npx teachpoint teacher reset-pin 得到重置码。',
    en: 'Too many wrong tries; wait a moment and try again. If the PIN is forgotten, run npx teachpoint teacher reset-pin on this computer to get a reset code.',
  },
  'teacher.pin-already-set': {
    zh: '教师密码已经设置过。要修改密码，请先用原密码进入教师模式；忘记密码请用重置码。',
    en: 'A teacher PIN is already set. To change it, unlock teacher mode with the current PIN first; if forgotten, use a reset code.',
  },
  'teacher.bad-reset-code': {
    zh: '重置码不对或已过期（每个重置码只能用一次，24 小时内有效）。请在本机重新运行 npx teachpoint teacher reset-pin 得到新的重置码。',
    en: 'The reset code is wrong or expired (each code works once, within 24 hours). Run npx teachpoint teacher reset-pin on this computer again for a new code.',
  },
};

export function teacherError(code: TeacherErrorCode, details?: Record<string, unknown>): TeachPointError {
  return new TeachPointError(code, TEXT[code], details);
}
