/** Realistic progress events for sync tests and benches (wire cost depends on what events look like). */
import { uuidv7 } from '../../../common/ids/uuidv7';
import type { ProgressEvent } from '../../../common/records/records';

/** What a child's morning looks like in the log: answers to exercise items, a few completions. */
export function realisticEvents(n: number, learners: string[], classId: string): ProgressEvent[] {
  const events: ProgressEvent[] = [];
  for (let i = 0; i < n; i++) {
    const learnerId = learners[i % learners.length]!;
    const item = i % 10;
    const done = item === 9;
    events.push({
      id: uuidv7(),
      learnerId,
      classId,
      verb: done ? 'completed' : 'answered',
      objectId: done ? `rjb-math-g1-v1/set-${Math.floor(i / 10) % 12}` : `rjb-math-g1-v1/set-${Math.floor(i / 10) % 12}/item-${item}`,
      packId: 'rjb-math-g1-v1',
      createdAt: new Date(Date.UTC(2026, 11, 1, 1, 0, 0) + i * 7_000).toISOString(),
      result: done ? { score: 0.8, durationMs: 95_000 + (i % 7) * 1000 } : { success: i % 3 !== 0, response: String((i * 7) % 20), durationMs: 4_000 + ((i * 37) % 9000) },
    });
  }
  return events;
}

