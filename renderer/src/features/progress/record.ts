/**
 * Writing progress: each answer, a finished run and the first mastery are events appended with
 * their outbox rows (db/outbox.ts appendEvent), and the mastery check runs in the SAME strict
 * transaction as the answer that meets the rule — so a `mastered` event exists exactly when the log
 * says the rule was met, even if the child walks away before the end of the set.
 */
import type { ProgressEvent } from '../../../../common/records/records';
import type { ExerciseSet } from '../../../../content-packs/format/manifest';
import type { TeachPointDB } from '../../db/db';
import { appendEvent } from '../../db/outbox';
import { trackWrite } from '../../db/pending-writes';
import { itemObjectId, masteryState, setObjectId, shouldRecordMastery, type MasteryState } from './mastery';

export interface ProgressLearner {
  id: string;
  classId: string | null;
}

/** A learner's events about one set (its items, completed, mastered), read through the [learnerId+objectId] index. */
export function setEvents(db: TeachPointDB, learnerId: string, packId: string, setId: string): Promise<ProgressEvent[]> {
  const prefix = setObjectId(packId, setId);
  return db.events
    .where('[learnerId+objectId]')
    .between([learnerId, prefix], [learnerId, `${prefix}/\uffff`], true, true)
    .toArray();
}

export interface AnswerRecord {
  correct: boolean;
  score: number;
  response: string;
  durationMs: number;
}

/**
 * Append one `answered` event and, when this answer meets the set's rule for the first time, the
 * `mastered` event — one transaction. Returns the learner's standing after it.
 */
export async function recordAnswer(db: TeachPointDB, learner: ProgressLearner, packId: string, set: ExerciseSet, itemId: string, answer: AnswerRecord): Promise<MasteryState & { newlyMastered: boolean }> {
  return trackWrite(
    db.transaction('rw', [db.events, db.outbox], async () => {
      await appendEvent(db, {
        learnerId: learner.id,
        classId: learner.classId,
        verb: 'answered',
        objectId: itemObjectId(packId, set.id, itemId),
        packId,
        result: { success: answer.correct, score: answer.score, response: answer.response.slice(0, 4000), durationMs: Math.max(0, Math.min(86_400_000, Math.round(answer.durationMs))) },
      });
      const state = masteryState(await setEvents(db, learner.id, packId, set.id), learner.id, packId, set.id, set.mastery);
      if (!shouldRecordMastery(state)) return { ...state, newlyMastered: false };
      await appendEvent(db, { learnerId: learner.id, classId: learner.classId, verb: 'mastered', objectId: setObjectId(packId, set.id), packId, result: { success: true } });
      return { ...state, recorded: true, newlyMastered: true };
    }),
  );
}

/** A run of the set ended (the child saw the result): `completed`, with the run's score and time. */
export async function recordCompleted(db: TeachPointDB, learner: ProgressLearner, packId: string, setId: string, run: { correct: number; total: number; durationMs: number }): Promise<void> {
  await appendEvent(db, {
    learnerId: learner.id,
    classId: learner.classId,
    verb: 'completed',
    objectId: setObjectId(packId, setId),
    packId,
    result: { score: run.total > 0 ? run.correct / run.total : 0, durationMs: Math.max(0, Math.min(86_400_000, Math.round(run.durationMs))) },
  });
}
