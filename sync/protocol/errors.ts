/**
 * Every non-2xx answer has this JSON body: a dotted code the client branches on, and a message in
 * both languages that says what happened and what to do (the client shows it as is).
 */
import { z } from 'zod';

export const SYNC_ERROR_CODES = {
  /** 400: the body is not JSON or does not match the envelope schema. Do not retry unchanged. */
  'protocol.bad-request': 400,
  /** 426: the protocol version is not spoken here; `details.supported` lists what is. Update the app. */
  'protocol.unsupported-version': 426,
  /** 401: no token, unknown token. Re-enroll. */
  'auth.required': 401,
  /** 401: the device token was revoked by county staff. Re-enroll with a new code. */
  'auth.device-revoked': 401,
  /** 401: staff session expired or signed out. Sign in again. */
  'auth.session-expired': 401,
  /** 401: wrong user name or password. */
  'auth.bad-credentials': 401,
  /** 429: too many failed sign-ins; `details.retryAfterSeconds`. */
  'auth.locked': 429,
  /** 403: signed in, but this account/device may not touch that school/county. */
  'auth.forbidden': 403,
  /** 404: enrollment code unknown, already used, revoked or expired. Ask county staff for a new one. */
  'enroll.bad-code': 404,
  /** 413: push/bundle larger than the limits; `details.limit`. Split the batch. */
  'push.too-large': 413,
  /** 415: Content-Encoding other than gzip/identity, or not JSON. */
  'protocol.unsupported-encoding': 415,
  /** 429: rate limit; honour `Retry-After` (seconds). */
  'rate.limited': 429,
  /** 404: no such resource (school, pack, blob). */
  'not-found': 404,
  /** 409: the request conflicts with the current state (e.g. a name already taken). */
  conflict: 409,
  /** 503: the server is starting, stopping or its database is unreachable. Retry with backoff. */
  'server.unavailable': 503,
  /** 500: a bug. Retry with backoff; details are in the server log, never in the answer. */
  'server.internal': 500,
} as const;
export type SyncErrorCode = keyof typeof SYNC_ERROR_CODES;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.object({ zh: z.string(), en: z.string() }),
    details: z.record(z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * Per-item rejection inside a successful push (the batch is acked, these items are not stored).
 * - `push.invalid-item`: failed the record schema — retrying cannot help; keep it aside, report it.
 * - `push.foreign-record`: the id belongs to another school's record — never retried.
 */
export const ITEM_REJECTION_CODES = ['push.invalid-item', 'push.foreign-record'] as const;
export type ItemRejectionCode = (typeof ITEM_REJECTION_CODES)[number];

/** Which failures a client retries by itself (with backoff), and which need a person. */
export function isRetryable(status: number, code?: string): boolean {
  if (code === 'rate.limited' || code === 'server.unavailable' || code === 'server.internal') return true;
  if (status === 408 || status === 429 || status === 502 || status === 503 || status === 504) return true;
  return status >= 500;
}
