/**
 * Classes, learners and assignments in the renderer database: every change is a whole-record `put`
 * stamped with `updatedAt`/`updatedBy` and written with its outbox row (P1) in one strict
 * transaction (outbox.ts). Nothing is ever hard-deleted: `deleted: true` (a learner with no events,
 * an assignment) or `archived: true` (a learner with events, a class) — both sync like any change.
 */
import { uuidv7 } from '../../../common/ids/uuidv7';
import {
  AssignmentRecordSchema,
  ClassRecordSchema,
  LearnerRecordSchema,
  type AssignmentRecord,
  type AvatarKey,
  type ClassRecord,
  type LearnerRecord,
  type RecordOfTable,
  type RecordTable,
} from '../../../common/records/records';
import { TeachPointError } from '../../../common/errors/errors';
import type { TeachPointDB } from './db';
import { trackWrite } from './pending-writes';
import { writeManyWithOutbox, writeWithOutbox, type OutboxWrite } from './outbox';
import { DEVICE_ID_SETTING } from './schema';

/** This installation's id (`updatedBy` of what it writes); made on first use. */
export async function getDeviceId(db: TeachPointDB): Promise<string> {
  const existing = (await db.settings.get(DEVICE_ID_SETTING))?.value;
  if (typeof existing === 'string') return existing;
  return trackWrite(
    db.transaction('rw', db.settings, async () => {
      const again = (await db.settings.get(DEVICE_ID_SETTING))?.value;
      if (typeof again === 'string') return again;
      const id = `device:${uuidv7()}`;
      await db.settings.put({ key: DEVICE_ID_SETTING, value: id });
      return id;
    }),
  );
}

/** ISO time strictly after `previous` (two edits in the same millisecond must still order). */
function nextTime(previous?: string): string {
  const now = Date.now();
  const prev = previous ? Date.parse(previous) : 0;
  return new Date(Math.max(now, prev + 1)).toISOString();
}

async function stampNew<T extends RecordTable>(db: TeachPointDB, table: T, fields: Omit<RecordOfTable[T], 'id' | 'createdAt' | 'updatedAt' | 'updatedBy' | 'origin' | 'deleted'>): Promise<RecordOfTable[T]> {
  const by = await getDeviceId(db);
  const now = new Date().toISOString();
  const schema = { classes: ClassRecordSchema, learners: LearnerRecordSchema, assignments: AssignmentRecordSchema }[table];
  return schema.parse({ ...fields, id: uuidv7(), createdAt: now, updatedAt: now, updatedBy: by, origin: 'device', deleted: false }) as RecordOfTable[T];
}

/** Apply `patch` to the current record and write it with its outbox row. */
async function updateRecord<T extends RecordTable>(db: TeachPointDB, table: T, id: string, patch: Partial<RecordOfTable[T]>): Promise<RecordOfTable[T]> {
  const by = await getDeviceId(db);
  const current = (await db.table(table).get(id)) as RecordOfTable[T] | undefined;
  if (!current) throw notFound(table, id);
  const next = { ...current, ...patch, id, updatedAt: nextTime(current.updatedAt), updatedBy: by } as RecordOfTable[T];
  await writeWithOutbox(db, table, next as never);
  return next;
}

function notFound(table: RecordTable, id: string): TeachPointError {
  return new TeachPointError(
    'people.not-found',
    { zh: '找不到这条记录，它可能已被删除。请返回列表刷新后再试。', en: 'That record was not found; it may have been removed. Go back to the list and try again.' },
    { table, id },
  );
}

// ---- classes ----

export async function createClass(db: TeachPointDB, fields: { name: string; grade?: string }): Promise<ClassRecord> {
  const record = await stampNew(db, 'classes', { name: fields.name, grade: fields.grade ?? '', picturePassword: false, archived: false });
  await writeWithOutbox(db, 'classes', record);
  return record;
}

export function updateClass(db: TeachPointDB, id: string, patch: Partial<Pick<ClassRecord, 'name' | 'grade' | 'picturePassword' | 'archived'>>): Promise<ClassRecord> {
  return updateRecord(db, 'classes', id, patch);
}

/** Classes shown in lists: not deleted; archived ones only when asked. Sorted by name (zh collation). */
export async function listClasses(db: TeachPointDB, opts: { includeArchived?: boolean } = {}): Promise<ClassRecord[]> {
  const all = await db.classes.toArray();
  return all.filter((c) => !c.deleted && (opts.includeArchived || !c.archived)).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

// ---- learners ----

export async function addLearner(db: TeachPointDB, fields: { classId: string | null; name: string; avatar: AvatarKey }): Promise<LearnerRecord> {
  const [one] = await addLearners(db, [fields]);
  return one!;
}

/** Several learners in one transaction (a pasted list): all or nothing. */
export async function addLearners(db: TeachPointDB, list: ReadonlyArray<{ classId: string | null; name: string; avatar: AvatarKey }>): Promise<LearnerRecord[]> {
  const records: LearnerRecord[] = [];
  for (const l of list) records.push(await stampNew(db, 'learners', { classId: l.classId, name: l.name, avatar: l.avatar, picturePassword: null, archived: false }));
  await writeManyWithOutbox(db, records.map((record): OutboxWrite => ({ table: 'learners', record })));
  return records;
}

export function updateLearner(
  db: TeachPointDB,
  id: string,
  patch: Partial<Pick<LearnerRecord, 'name' | 'avatar' | 'classId' | 'picturePassword' | 'archived'>>,
): Promise<LearnerRecord> {
  return updateRecord(db, 'learners', id, patch);
}

/** Learners of a class (or with no class: null), not deleted; archived only when asked; by name. */
export async function listLearners(db: TeachPointDB, classId: string | null, opts: { includeArchived?: boolean } = {}): Promise<LearnerRecord[]> {
  const rows = classId === null ? (await db.learners.toArray()).filter((l) => l.classId === null) : await db.learners.where('classId').equals(classId).toArray();
  return rows.filter((l) => !l.deleted && (opts.includeArchived || !l.archived)).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

export async function learnerHasEvents(db: TeachPointDB, learnerId: string): Promise<boolean> {
  return (await db.events.where('learnerId').equals(learnerId).limit(1).count()) > 0;
}

/**
 * Remove a learner from the lists. A learner with events is archived (their history stays and can
 * be restored); one with none is soft-deleted (`deleted: true`, syncs as a removal). Never a hard
 * delete. Returns what happened.
 */
export async function removeLearner(db: TeachPointDB, id: string): Promise<'archived' | 'deleted'> {
  if (await learnerHasEvents(db, id)) {
    await updateLearner(db, id, { archived: true });
    return 'archived';
  }
  await updateRecord(db, 'learners', id, { deleted: true });
  return 'deleted';
}

/** Explicit delete: refused for a learner with events (archive instead). */
export async function deleteLearner(db: TeachPointDB, id: string): Promise<void> {
  if (await learnerHasEvents(db, id)) {
    throw new TeachPointError(
      'people.has-events',
      { zh: '这位学生已有学习记录，不能删除，只能归档。归档后记录仍保留，可随时恢复。', en: 'This learner has learning records and cannot be deleted, only archived. Archived records are kept and can be restored.' },
      { id },
    );
  }
  await updateRecord(db, 'learners', id, { deleted: true });
}

// ---- assignments ----

export async function createAssignment(
  db: TeachPointDB,
  fields: Pick<AssignmentRecord, 'classId' | 'learnerIds' | 'kind' | 'packId' | 'targetId' | 'title'> & { dueDate?: string | null },
): Promise<AssignmentRecord> {
  const record = await stampNew(db, 'assignments', { ...fields, dueDate: fields.dueDate ?? null });
  await writeWithOutbox(db, 'assignments', record);
  return record;
}

export function removeAssignment(db: TeachPointDB, id: string): Promise<AssignmentRecord> {
  return updateRecord(db, 'assignments', id, { deleted: true });
}

/** Assignments of a class, newest first (not deleted). */
export async function listAssignments(db: TeachPointDB, classId: string): Promise<AssignmentRecord[]> {
  const rows = await db.assignments.where('classId').equals(classId).toArray();
  return rows.filter((a) => !a.deleted).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

/** What one learner must do: the class's assignments for everyone or naming this learner. */
export async function assignmentsForLearner(db: TeachPointDB, learner: Pick<LearnerRecord, 'id' | 'classId'>): Promise<AssignmentRecord[]> {
  if (!learner.classId) return [];
  return (await listAssignments(db, learner.classId)).filter((a) => a.learnerIds === null || a.learnerIds.includes(learner.id));
}
