/**
 * Loads what a class report is computed from — roster, assignments and the roster's events from
 * Dexie (live: the report follows new answers as they are saved), exercise sets from the installed
 * packs' manifests — and builds the report with the pure functions in report.ts.
 */
import { liveQuery } from 'dexie';
import { useEffect, useMemo, useState } from 'react';
import type { PackContent } from '../../../../common/bridge/methods/lessons';
import type { AssignmentRecord, ClassRecord, LearnerRecord, ProgressEvent } from '../../../../common/records/records';
import { useServices } from '../../app/services';
import type { TeachPointDB } from '../../db/db';
import { listAssignments, listLearners } from '../../db/people';
import { answeredSetKeys, buildClassReport, type ClassReport, type ReportSet } from './report';

export interface ClassData {
  cls: ClassRecord | undefined;
  learners: LearnerRecord[];
  assignments: AssignmentRecord[];
  events: ProgressEvent[];
}

export async function readClassData(db: TeachPointDB, classId: string): Promise<ClassData> {
  const [cls, learners, assignments] = await Promise.all([db.classes.get(classId), listLearners(db, classId), listAssignments(db, classId)]);
  const ids = learners.map((l) => l.id);
  const events = ids.length ? await db.events.where('learnerId').anyOf(ids).toArray() : [];
  return { cls, learners, assignments, events };
}

export interface SetKey {
  packId: string;
  setId: string;
  /** Title from the assignment, for sets whose pack is not installed. */
  title?: AssignmentRecord['title'];
}

/** The sets a class report covers: assigned exercise sets first (oldest assignment first), then any other set the roster answered. */
export function reportSetKeys(data: ClassData): SetKey[] {
  const out = new Map<string, SetKey>();
  for (const a of [...data.assignments].reverse()) {
    if (a.kind === 'exercise-set') out.set(`${a.packId}/${a.targetId}`, { packId: a.packId, setId: a.targetId, title: a.title });
  }
  for (const k of answeredSetKeys(data.events, new Set(data.learners.map((l) => l.id)))) {
    const key = `${k.packId}/${k.setId}`;
    if (!out.has(key)) out.set(key, k);
  }
  return [...out.values()];
}

export type ReportState =
  | { status: 'loading' }
  | { status: 'no-db' }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; data: ClassData; report: ClassReport; sets: ReportSet[]; missing: SetKey[] };

export function useClassReport(classId: string | null): ReportState {
  const { db, bridge } = useServices();
  const [data, setData] = useState<ClassData | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [packs, setPacks] = useState<Map<string, PackContent | null>>(new Map());

  useEffect(() => {
    setData(undefined);
    setError(null);
    if (!db || !classId) return undefined;
    const sub = liveQuery(() => readClassData(db, classId)).subscribe({ next: setData, error: setError });
    return () => sub.unsubscribe();
  }, [db, classId]);

  const keys = useMemo(() => (data ? reportSetKeys(data) : []), [data]);
  const packIds = useMemo(() => [...new Set(keys.map((k) => k.packId))].sort().join('\n'), [keys]);

  useEffect(() => {
    let live = true;
    const wanted = packIds ? packIds.split('\n') : [];
    const missing = wanted.filter((id) => !packs.has(id));
    if (missing.length === 0) return undefined;
    void Promise.all(missing.map((id) => bridge.call('lessons.manifest', { packId: id }).then((c) => [id, c] as const, () => [id, null] as const))).then((loaded) => {
      if (!live) return;
      setPacks((prev) => {
        const next = new Map(prev);
        for (const [id, c] of loaded) next.set(id, c);
        return next;
      });
    });
    return () => {
      live = false;
    };
  }, [bridge, packIds, packs]);

  return useMemo<ReportState>(() => {
    if (!db) return { status: 'no-db' };
    if (error) return { status: 'error', error };
    if (!data || keys.some((k) => !packs.has(k.packId))) return { status: 'loading' };
    const sets: ReportSet[] = [];
    const missing: SetKey[] = [];
    for (const k of keys) {
      const set = packs.get(k.packId)?.manifest.exercises.find((s) => s.id === k.setId);
      if (set) sets.push({ packId: k.packId, set });
      else missing.push(k);
    }
    const report = buildClassReport({ learners: data.learners.map((l) => ({ id: l.id, name: l.name })), sets, events: data.events });
    return { status: 'ready', data, report, sets, missing };
  }, [db, error, data, keys, packs]);
}
