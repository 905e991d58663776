/**
 * Live mastery for the UI (lesson page, a child's home, reports): re-read from the event log
 * whenever it changes (Dexie liveQuery), never cached anywhere else.
 */
import { liveQuery } from 'dexie';
import { useEffect, useState } from 'react';
import type { MasteryRule } from '../../../../content-packs/format/manifest';
import { useServices } from '../../app/services';
import { masteryState, setObjectId, type MasteryState } from './mastery';
import { setEvents } from './record';

/**
 * One learner's standing in one set; undefined while loading or without a learner/database.
 * Without `rule` (e.g. an assignment listed before its pack is opened) only a recorded `mastered`
 * event makes it mastered — which is always written the moment the rule is met.
 */
export function useMastery(learnerId: string | null | undefined, packId: string, setId: string, rule?: MasteryRule): MasteryState | undefined {
  const { db } = useServices();
  const [state, setState] = useState<MasteryState | undefined>(undefined);
  const ruleKey = rule ? JSON.stringify(rule) : '';
  useEffect(() => {
    setState(undefined);
    if (!db || !learnerId) return undefined;
    const effectiveRule: MasteryRule = ruleKey ? (JSON.parse(ruleKey) as MasteryRule) : { type: 'n-in-a-row', n: Number.MAX_SAFE_INTEGER };
    const sub = liveQuery(() => setEvents(db, learnerId, packId, setId)).subscribe({
      next: (events) => setState(masteryState(events, learnerId, packId, setId, effectiveRule)),
      error: () => setState(undefined),
    });
    return () => sub.unsubscribe();
  }, [db, learnerId, packId, setId, ruleKey]);
  return state;
}

/** Keys (`<packId>/<setId>`) of every set this learner has mastered (their `mastered` events). */
export function useMasteredSets(learnerId: string | null | undefined): ReadonlySet<string> | undefined {
  const { db } = useServices();
  const [keys, setKeys] = useState<ReadonlySet<string> | undefined>(undefined);
  useEffect(() => {
    setKeys(undefined);
    if (!db || !learnerId) return undefined;
    const sub = liveQuery(() => db.events.where('learnerId').equals(learnerId).filter((e) => e.verb === 'mastered').toArray()).subscribe({
      next: (events) => setKeys(new Set(events.map((e) => e.objectId))),
      error: () => setKeys(undefined),
    });
    return () => sub.unsubscribe();
  }, [db, learnerId]);
  return keys;
}

export { setObjectId };
