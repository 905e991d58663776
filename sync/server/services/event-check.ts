/**
 * A fast path for validating progress events at ingest. zod 3 rebuilds its datetime RegExp on every
 * parse, which made `ProgressEventSchema.safeParse` cost ~40–140 µs per event — the largest single
 * cost of a push. This check accepts only events the schema also accepts (same regexes, same bounds,
 * same unknown-key stripping, same `classId` default); anything it does not accept goes to the zod
 * schema, which then decides and words the error. `event-check.test.ts` compares both on many
 * hand-made and mutated inputs.
 */
import { datetimeRegex, type ZodError } from 'zod';
import { EVENT_VERBS, ProgressEventSchema, type ProgressEvent } from '../../../common/records/records';

// Exactly the regexes the schema uses (ProgressEventSchema.id; z.string().datetime({ offset: true })).
const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DATETIME = datetimeRegex({ precision: null, offset: true, local: false });
const VERBS = new Set<string>(EVENT_VERBS);

const isId = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 128;
const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

function fastResult(r: unknown): ProgressEvent['result'] | null {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return null;
  const o = r as Record<string, unknown>;
  const out: NonNullable<ProgressEvent['result']> = {};
  if (o.success !== undefined) {
    if (typeof o.success !== 'boolean') return null;
    out.success = o.success;
  }
  if (o.score !== undefined) {
    if (!isNum(o.score) || o.score < 0 || o.score > 1) return null;
    out.score = o.score;
  }
  if (o.response !== undefined) {
    if (typeof o.response !== 'string' || o.response.length > 4000) return null;
    out.response = o.response;
  }
  if (o.durationMs !== undefined) {
    if (!Number.isSafeInteger(o.durationMs) || (o.durationMs as number) < 0 || (o.durationMs as number) > 86_400_000) return null;
    out.durationMs = o.durationMs as number;
  }
  if (o.position !== undefined) {
    if (!isNum(o.position) || o.position < 0) return null;
    out.position = o.position;
  }
  return out;
}

/** The parsed event, or undefined when only the zod schema can say (accept or reject with a message). */
export function fastEvent(item: unknown): ProgressEvent | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const o = item as Record<string, unknown>;
  if (typeof o.id !== 'string' || !UUID7.test(o.id)) return undefined;
  if (!isId(o.learnerId)) return undefined;
  if (o.classId !== undefined && o.classId !== null && !isId(o.classId)) return undefined;
  if (typeof o.verb !== 'string' || !VERBS.has(o.verb)) return undefined;
  if (typeof o.objectId !== 'string' || o.objectId.length < 1 || o.objectId.length > 400) return undefined;
  if (o.packId !== null && !isId(o.packId)) return undefined;
  if (typeof o.createdAt !== 'string' || !DATETIME.test(o.createdAt)) return undefined;
  const event: ProgressEvent = {
    id: o.id,
    learnerId: o.learnerId,
    classId: (o.classId as string | null | undefined) ?? null,
    verb: o.verb as ProgressEvent['verb'],
    objectId: o.objectId,
    packId: o.packId as string | null,
    createdAt: o.createdAt,
  };
  if (o.result !== undefined) {
    const result = fastResult(o.result);
    if (!result) return undefined;
    event.result = result;
  }
  return event;
}

export type EventCheck = { ok: true; event: ProgressEvent } | { ok: false; error: ZodError };

export function checkEvent(item: unknown): EventCheck {
  const fast = fastEvent(item);
  if (fast) return { ok: true, event: fast };
  const r = ProgressEventSchema.safeParse(item);
  return r.success ? { ok: true, event: r.data } : { ok: false, error: r.error };
}
