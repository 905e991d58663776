/**
 * The people-side records every part of TeachPoint agrees on: the renderer stores them in Dexie,
 * the sync engine carries them, the cloud stores them in SQL, USB bundles hold them. One shape,
 * validated with zod at every trust boundary (the cloud's push route, bundle import).
 *
 * Two kinds of record (DESIGN §5):
 * - **Events** are append-only facts (`ProgressEvent`): never edited, never deleted; corrections
 *   are new events. Ids are client-made UUIDv7 and double as xAPI statement ids.
 * - **Mutable records** (`ClassRecord`, `LearnerRecord`, `AssignmentRecord`) are whole-record
 *   upserts merged last-writer-wins on `updatedAt` (ties broken by the larger `updatedBy`), with
 *   soft deletion (`deleted: true`) so a removal syncs like any other change. A learner who has
 *   events is archived (`archived: true`), never deleted.
 *
 * Who owns what: records made on the device have `origin: 'device'`; rosters and assignments made
 * by county staff in the cloud have `origin: 'cloud'` and come down with pull. Both kinds are
 * editable on both sides; the merge rule is the same.
 */
import { z } from 'zod';

export const RECORD_SCHEMA_VERSION = 1;

const Id = z.string().min(1).max(128);
const IsoTime = z.string().datetime({ offset: true });
const Name = z.string().trim().min(1).max(64);
/** `YYYY-MM-DD`, a calendar day in the school's local time. */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Built-in avatar picture keys (renderer/src/features/people/avatars.ts draws them). */
export const AVATAR_KEYS = [
  'panda', 'cat', 'dog', 'rabbit', 'tiger', 'monkey', 'elephant', 'giraffe', 'fox', 'bear',
  'frog', 'duck', 'chick', 'fish', 'owl', 'lion', 'pig', 'cow', 'horse', 'sheep',
  'sun', 'moon', 'star', 'flower', 'tree', 'apple', 'car', 'boat', 'kite', 'ball',
] as const;
export type AvatarKey = (typeof AVATAR_KEYS)[number];
export const AvatarKeySchema = z.enum(AVATAR_KEYS);

/** Fields every mutable (LWW, soft-deleted) record carries. */
const Mutable = {
  id: Id,
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** Who wrote this version: a device id, or `cloud:<account>`. Tie-breaker for equal `updatedAt`. */
  updatedBy: z.string().min(1).max(128),
  origin: z.enum(['device', 'cloud']),
  deleted: z.boolean().default(false),
};

export const ClassRecordSchema = z.object({
  ...Mutable,
  /** e.g. 一二年级复式班 */
  name: Name,
  /** Free text grade label(s) for the teacher, e.g. '一年级' or '一、二年级'. */
  grade: z.string().max(32).default(''),
  /** When true, each child confirms with their 2–3 picture password after tapping their avatar. */
  picturePassword: z.boolean().default(false),
  archived: z.boolean().default(false),
});
export type ClassRecord = z.infer<typeof ClassRecordSchema>;

export const LearnerRecordSchema = z.object({
  ...Mutable,
  /** Current class; null when not in any class (moved out, class archived). */
  classId: Id.nullable(),
  name: Name,
  avatar: AvatarKeySchema,
  /** 2–3 avatar keys in order; only asked for when the class has `picturePassword`. */
  picturePassword: z.array(AvatarKeySchema).min(2).max(3).nullable().default(null),
  archived: z.boolean().default(false),
});
export type LearnerRecord = z.infer<typeof LearnerRecordSchema>;

export const ASSIGNMENT_KINDS = ['exercise-set', 'lesson'] as const;
export const AssignmentRecordSchema = z.object({
  ...Mutable,
  classId: Id,
  /** null: the whole class; otherwise only these learners. */
  learnerIds: z.array(Id).max(500).nullable(),
  kind: z.enum(ASSIGNMENT_KINDS),
  packId: Id,
  /** Exercise set id (kind 'exercise-set') or lesson id (kind 'lesson') inside the pack. */
  targetId: Id,
  /** Title at assignment time, so the list reads even before the pack is installed. */
  title: z.object({ 'zh-CN': z.string().max(200) }).catchall(z.string().max(200)),
  dueDate: Day.nullable().default(null),
});
export type AssignmentRecord = z.infer<typeof AssignmentRecordSchema>;

/**
 * Event verbs (xAPI verbs by their last path segment; sync/server maps them to ADL IRIs):
 * - viewed: a lesson resource was opened (objectId `<packId>/<lessonId>/<resourceId>`)
 * - answered: one exercise item answered (objectId `<packId>/<setId>/<itemId>`, result set)
 * - completed: a set run or a lesson finished (objectId `<packId>/<setId>` or `<packId>/<lessonId>`)
 * - mastered: the set's mastery rule was met for the first time (objectId `<packId>/<setId>`)
 * - progressed: media position for "continue where you left off" (result.position seconds)
 */
export const EVENT_VERBS = ['viewed', 'answered', 'completed', 'mastered', 'progressed'] as const;
export type EventVerb = (typeof EVENT_VERBS)[number];

export const ProgressEventSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
  learnerId: Id,
  /** The learner's class when the event happened (reports per class survive moves). */
  classId: Id.nullable().default(null),
  verb: z.enum(EVENT_VERBS),
  objectId: z.string().min(1).max(400),
  packId: Id.nullable(),
  createdAt: IsoTime,
  result: z
    .object({
      success: z.boolean().optional(),
      score: z.number().min(0).max(1).optional(),
      response: z.string().max(4000).optional(),
      durationMs: z.number().int().min(0).max(86_400_000).optional(),
      position: z.number().min(0).optional(),
    })
    .optional(),
});
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;

/** Mutable tables that sync (besides the append-only `events`). */
export const RECORD_TABLES = ['classes', 'learners', 'assignments'] as const;
export type RecordTable = (typeof RECORD_TABLES)[number];
export const RECORD_SCHEMAS = {
  classes: ClassRecordSchema,
  learners: LearnerRecordSchema,
  assignments: AssignmentRecordSchema,
} as const;
export interface RecordOfTable {
  classes: ClassRecord;
  learners: LearnerRecord;
  assignments: AssignmentRecord;
}

/**
 * Last-writer-wins: does `incoming` replace `current`? Pure, the same on device and cloud, so both
 * sides converge whatever order changes arrive in.
 */
export function incomingWins(current: { updatedAt: string; updatedBy: string } | undefined, incoming: { updatedAt: string; updatedBy: string }): boolean {
  if (!current) return true;
  const a = Date.parse(incoming.updatedAt);
  const b = Date.parse(current.updatedAt);
  if (a !== b) return a > b;
  return incoming.updatedBy > current.updatedBy;
}
