/**
 * Where the teacher left a lesson: which resource, the video/audio second, the PDF page. Kept as
 * device settings in Dexie (`settings` table), one row per lesson plus the last lesson taught — not as
 * learner events: the projector is the teacher's, nobody is signed in, and a bookmark is not
 * something a learner did (docs/decisions.md). Without a database (tests of other features) nothing
 * is remembered.
 */
import { liveQuery } from 'dexie';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useServices } from '../../app/services';
import type { TeachPointDB } from '../../db/db';

export const LAST_LESSON_SETTING = 'lessons.lastPosition';
const POSITION_PREFIX = 'lessons.position:';

export interface LessonPosition {
  packId: string;
  lessonId: string;
  /** zh-CN/en titles of the lesson, for the "continue" card without loading the manifest. */
  lessonTitle: { 'zh-CN': string } & Record<string, string | undefined>;
  /** `r:<resourceId>` or `m:<materialId>` (LessonPage's item keys). */
  itemKey: string;
  itemTitle: string;
  /** Media position in seconds (video/audio). */
  seconds?: number;
  /** PDF page (1-based). */
  page?: number;
  at: string;
}

export function positionKey(packId: string, lessonId: string): string {
  return `${POSITION_PREFIX}${packId}/${lessonId}`;
}

function asPosition(value: unknown): LessonPosition | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Partial<LessonPosition>;
  return typeof v.packId === 'string' && typeof v.lessonId === 'string' && typeof v.itemKey === 'string' ? (v as LessonPosition) : null;
}

export async function readLessonPosition(db: TeachPointDB, packId: string, lessonId: string): Promise<LessonPosition | null> {
  return asPosition((await db.settings.get(positionKey(packId, lessonId)))?.value);
}

export async function writeLessonPosition(db: TeachPointDB, position: LessonPosition): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    await db.settings.put({ key: positionKey(position.packId, position.lessonId), value: position });
    await db.settings.put({ key: LAST_LESSON_SETTING, value: position });
  });
}

export type PositionState = { status: 'loading' } | { status: 'ready'; position: LessonPosition | null };

/**
 * The saved position of one lesson (read once when the lesson opens) and `save`, which merges a
 * change into it. Writes are coalesced: at most one per `SAVE_EVERY_MS` while a video plays, and the
 * last one is flushed when the lesson page closes.
 */
const SAVE_EVERY_MS = 4000;

export function useLessonPosition(packId: string, lessonId: string) {
  const { db } = useServices();
  const [state, setState] = useState<PositionState>({ status: 'loading' });
  const latest = useRef<LessonPosition | null>(null);
  const dirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    let live = true;
    latest.current = null;
    setState({ status: 'loading' });
    if (!db) {
      setState({ status: 'ready', position: null });
      return;
    }
    readLessonPosition(db, packId, lessonId).then(
      (p) => {
        if (!live) return;
        latest.current = p;
        setState({ status: 'ready', position: p });
      },
      () => live && setState({ status: 'ready', position: null }),
    );
    return () => {
      live = false;
    };
  }, [db, packId, lessonId]);

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (!db || !dirty.current || !latest.current) return;
    dirty.current = false;
    void writeLessonPosition(db, latest.current).catch(() => undefined);
  }, [db]);

  useEffect(() => flush, [flush]);

  const save = useCallback(
    (change: Omit<LessonPosition, 'packId' | 'lessonId' | 'at'>, opts: { now?: boolean } = {}) => {
      const prev = latest.current;
      const sameItem = prev?.itemKey === change.itemKey;
      latest.current = {
        ...(sameItem ? prev : {}),
        ...change,
        packId,
        lessonId,
        at: new Date().toISOString(),
      } as LessonPosition;
      dirty.current = true;
      if (opts.now) flush();
      else if (!timer.current) timer.current = setTimeout(flush, SAVE_EVERY_MS);
    },
    [packId, lessonId, flush],
  );

  return { state, save, flush };
}

/** The last lesson taught on this computer, live. */
export function useLastLesson(): { loading: boolean; position: LessonPosition | null } {
  const { db } = useServices();
  const [state, setState] = useState<{ loading: boolean; position: LessonPosition | null }>({ loading: true, position: null });
  useEffect(() => {
    if (!db) {
      setState({ loading: false, position: null });
      return;
    }
    const sub = liveQuery(() => db.settings.get(LAST_LESSON_SETTING)).subscribe({
      next: (row) => setState({ loading: false, position: asPosition(row?.value) }),
      error: () => setState({ loading: false, position: null }),
    });
    return () => sub.unsubscribe();
  }, [db]);
  return state;
}

/** m:ss (or h:mm:ss), floored like the player's own clock. */
export function clock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
