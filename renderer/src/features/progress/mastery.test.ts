import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../../common/records/records';
import { firstMasteryIndex, itemIdOf, itemObjectId, masteryReached, masteryState, setAnswers, setObjectId, shouldRecordMastery } from './mastery';

let clock = Date.parse('2026-11-30T08:00:00Z');
let seq = 0;
function ev(learnerId: string, verb: ProgressEvent['verb'], objectId: string, result?: ProgressEvent['result']): ProgressEvent {
  clock += 1000;
  const n = (seq++).toString(16).padStart(12, '0');
  return { id: `0190a000-0000-7000-8000-${n}`, learnerId, classId: 'c1', verb, objectId, packId: 'p', createdAt: new Date(clock).toISOString(), ...(result ? { result } : {}) };
}
const answer = (learner: string, item: string, success: boolean, durationMs = 2000) => ev(learner, 'answered', itemObjectId('p', 's', item), { success, score: success ? 1 : 0, durationMs });

describe('object ids', () => {
  it('builds and parses item and set ids', () => {
    expect(itemObjectId('p', 's', 'i1')).toBe('p/s/i1');
    expect(setObjectId('p', 's')).toBe('p/s');
    expect(itemIdOf('p/s/i1', 'p', 's')).toBe('i1');
    expect(itemIdOf('p/s2/i1', 'p', 's')).toBeNull();
    expect(itemIdOf('p/s', 'p', 's')).toBeNull();
    expect(itemIdOf('p/s/i1/x', 'p', 's')).toBeNull();
  });
});

describe('masteryReached / firstMasteryIndex', () => {
  it('m-of-n looks at the last n answers only', () => {
    const rule = { type: 'm-of-n', m: 3, n: 4 } as const;
    expect(masteryReached(rule, [true, true, false, true])).toBe(true);
    expect(masteryReached(rule, [true, true, false, false, true])).toBe(false);
    expect(firstMasteryIndex(rule, [false, true, true, false, true, true])).toBe(4);
    expect(firstMasteryIndex(rule, [true, false, true, false])).toBe(-1);
  });
  it('n-in-a-row needs an unbroken run', () => {
    const rule = { type: 'n-in-a-row', n: 3 } as const;
    expect(masteryReached(rule, [true, true, false, true, true])).toBe(false);
    expect(masteryReached(rule, [false, true, true, true])).toBe(true);
    expect(firstMasteryIndex(rule, [true, true, false, true, true, true, false])).toBe(5);
  });
});

describe('setAnswers', () => {
  it('marks a retry of the same item as not a first try, and a new run starts fresh after completed', () => {
    const events = [
      answer('a', 'i1', false),
      answer('a', 'i1', true), // retry
      answer('b', 'i1', true), // another child, does not break a's sequence
      answer('a', 'i2', true),
      ev('a', 'completed', setObjectId('p', 's')),
      answer('a', 'i2', true), // new run: first try again even though i2 was the last item
      ev('a', 'answered', itemObjectId('p', 'other', 'i1'), { success: true }), // other set
    ];
    const a = setAnswers(events, 'a', 'p', 's');
    expect(a.map((x) => [x.itemId, x.correct, x.firstTry])).toEqual([
      ['i1', false, true],
      ['i1', true, false],
      ['i2', true, true],
      ['i2', true, true],
    ]);
  });
  it('orders by time whatever order the events arrive in', () => {
    const e1 = answer('a', 'i1', false);
    const e2 = answer('a', 'i1', true);
    expect(setAnswers([e2, e1], 'a', 'p', 's').map((x) => x.firstTry)).toEqual([true, false]);
  });
});

describe('masteryState', () => {
  const rule = { type: 'n-in-a-row', n: 3 } as const;
  it('retries do not count towards mastery', () => {
    const events = ['i1', 'i2', 'i3'].flatMap((i) => [answer('a', i, false), answer('a', i, true)]);
    const s = masteryState(events, 'a', 'p', 's', rule);
    expect(s).toMatchObject({ mastered: false, attempts: 6, correct: 3, firstTries: 3, firstTryCorrect: 0, timeMs: 12000, itemsAnswered: 3 });
    expect(shouldRecordMastery(s)).toBe(false);
  });
  it('is met by first tries, remembers when, and asks for the event once', () => {
    const events = [answer('a', 'i1', true), answer('a', 'i2', true), answer('a', 'i3', true), answer('a', 'i4', false)];
    const s = masteryState(events, 'a', 'p', 's', rule);
    expect(s.mastered).toBe(true);
    expect(s.masteredAt).toBe(events[2]!.createdAt);
    expect(s.lastAt).toBe(events[3]!.createdAt);
    expect(shouldRecordMastery(s)).toBe(true);
    const withEvent = [...events, ev('a', 'mastered', setObjectId('p', 's'))];
    const s2 = masteryState(withEvent, 'a', 'p', 's', rule);
    expect(s2.recorded).toBe(true);
    expect(shouldRecordMastery(s2)).toBe(false);
    expect(s2.masteredAt).toBe(withEvent[4]!.createdAt);
  });
  it('a mastered event keeps the set mastered even if the rule became stricter', () => {
    const events = [answer('a', 'i1', true), ev('a', 'mastered', setObjectId('p', 's'))];
    expect(masteryState(events, 'a', 'p', 's', { type: 'n-in-a-row', n: 5 }).mastered).toBe(true);
  });
  it('never mixes learners', () => {
    const events = [answer('a', 'i1', true), answer('a', 'i2', true), answer('a', 'i3', true), ev('a', 'mastered', setObjectId('p', 's')), answer('b', 'i1', false)];
    const b = masteryState(events, 'b', 'p', 's', rule);
    expect(b).toMatchObject({ mastered: false, recorded: false, attempts: 1, correct: 0 });
    expect(masteryState(events, 'nobody', 'p', 's', rule)).toMatchObject({ mastered: false, attempts: 0, lastAt: null, masteredAt: null });
  });
  it('counts completed runs', () => {
    const events = [answer('a', 'i1', true), ev('a', 'completed', 'p/s'), answer('a', 'i1', true), ev('a', 'completed', 'p/s')];
    expect(masteryState(events, 'a', 'p', 's', rule).runsCompleted).toBe(2);
  });
});
