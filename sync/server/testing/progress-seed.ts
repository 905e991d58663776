/**
 * A teaching point's real-looking progress, pushed through the device API exactly as a device would
 * (POST /api/v1/push): a class with learners, exercise answers and masteries spread over the last
 * six weeks, and the device status the dashboard shows. Returns what was pushed, so tests compare
 * the dashboard's numbers with it.
 */
import { uuidv7 } from '../../../common/ids/uuidv7';
import type { ClassRecord, LearnerRecord, ProgressEvent } from '../../../common/records/records';
import { call, expectOk } from './harness';

export interface SeededClass {
  classId: string;
  className: string;
  learnerIds: string[];
  /** What the dashboard should count for this class at `now`. */
  expected: { learners: number; events7d: number; events30d: number; answered30d: number; correct30d: number; mastered: number; learnersWithMastery: number; activeLearners7d: number };
}

const DAY = 24 * 3600 * 1000;

export interface SeedOptions {
  cloudUrl: string;
  deviceToken: string;
  deviceId: string;
  className: string;
  grade?: string;
  learnerNames: string[];
  now: Date;
  /** Device status sent with the push. */
  status?: { queuedEvents?: number; bytesToDownload?: number; installedPacks?: { packId: string; version: number }[] };
  packId?: string;
}

/**
 * Per learner i: answers on days 1, 3, 10, 20 and 40 ago (right when (i + day) is even), a viewed
 * lesson 2 days ago, and for every second learner a mastered set 10 days ago.
 */
export async function seedClassProgress(o: SeedOptions): Promise<SeededClass> {
  const at = (daysAgo: number, minute = 0) => new Date(o.now.getTime() - daysAgo * DAY + minute * 60_000).toISOString();
  const packId = o.packId ?? 'math-g1';
  const meta = { createdAt: at(60), updatedAt: at(60), updatedBy: o.deviceId, origin: 'device' as const, deleted: false };
  const cls: ClassRecord = { ...meta, id: uuidv7(), name: o.className, grade: o.grade ?? '', picturePassword: false, archived: false };
  const avatars = ['panda', 'cat', 'dog', 'rabbit', 'tiger', 'monkey'] as const;
  const learners: LearnerRecord[] = o.learnerNames.map((name, i) => ({ ...meta, id: uuidv7(), classId: cls.id, name, avatar: avatars[i % avatars.length]!, picturePassword: null, archived: false }));

  const events: ProgressEvent[] = [];
  const ev = (learnerId: string, verb: ProgressEvent['verb'], objectId: string, createdAt: string, result?: ProgressEvent['result']) =>
    events.push({ id: uuidv7(), learnerId, classId: cls.id, verb, objectId, packId, createdAt, ...(result ? { result } : {}) });
  const expected = { learners: learners.length, events7d: 0, events30d: 0, answered30d: 0, correct30d: 0, mastered: 0, learnersWithMastery: 0, activeLearners7d: learners.length };
  learners.forEach((l, i) => {
    for (const day of [1, 3, 10, 20, 40]) {
      const success = (i + day) % 2 === 0;
      ev(l.id, 'answered', `${packId}/set-add/item-${day}`, at(day, i), { success, response: success ? '5' : '4' });
      if (day <= 30) {
        expected.answered30d++;
        if (success) expected.correct30d++;
      }
    }
    ev(l.id, 'viewed', `${packId}/lesson-1/video`, at(2, i));
    if (i % 2 === 0) {
      ev(l.id, 'mastered', `${packId}/set-add`, at(10, i));
      expected.mastered++;
      expected.learnersWithMastery++;
    }
  });
  for (const e of events) {
    const age = o.now.getTime() - Date.parse(e.createdAt);
    if (age <= 7 * DAY) expected.events7d++;
    if (age <= 30 * DAY) expected.events30d++;
  }

  await expectOk(
    call(o.cloudUrl, 'POST', '/api/v1/push', { protocolVersion: 1, batchId: uuidv7(), events, records: { classes: [cls], learners }, status: o.status ?? {} }, o.deviceToken),
  );
  return { classId: cls.id, className: o.className, learnerIds: learners.map((l) => l.id), expected };
}
