import { liveQuery } from 'dexie';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../../app/services';
import { trackWrite } from '../../db/pending-writes';
import { loadPinyin, rubySegments, type RubySegment } from './ruby';

/** Settings key: show pinyin over exercise questions on this computer (the teacher's choice for young grades). */
export const PINYIN_SETTING = 'exercises.pinyin';

/** [on, set]: the pinyin switch, kept in Dexie settings so it survives restarts and is the same on every screen. */
export function usePinyinSetting(): [boolean, (on: boolean) => void] {
  const { db } = useServices();
  const [on, setOn] = useState(false);
  useEffect(() => {
    if (!db) return undefined;
    const sub = liveQuery(() => db.settings.get(PINYIN_SETTING)).subscribe({ next: (s) => setOn(s?.value === true), error: () => setOn(false) });
    return () => sub.unsubscribe();
  }, [db]);
  const set = (value: boolean) => {
    setOn(value);
    if (db) void trackWrite(db.settings.put({ key: PINYIN_SETTING, value })).catch(() => undefined);
  };
  return [on, set];
}

/** The question text, with pinyin ruby over its characters when `on` (see ruby.ts for what stays bare). */
export function PromptText({ text, on }: { text: string; on: boolean }) {
  const [segments, setSegments] = useState<RubySegment[] | null>(null);
  useEffect(() => {
    setSegments(null);
    if (!on) return undefined;
    let live = true;
    loadPinyin().then(
      (pinyin) => live && setSegments(rubySegments(pinyin(text))),
      () => live && setSegments(null),
    );
    return () => {
      live = false;
    };
  }, [text, on]);
  if (!on || !segments) return <>{text}</>;
  return (
    <span className="prompt-ruby" lang="zh-CN">
      {segments.map((s, i) =>
        s.ruby === undefined ? (
          <span key={i}>{s.text}</span>
        ) : (
          <ruby key={i}>
            {s.text}
            <rp>(</rp>
            <rt>{s.ruby}</rt>
            <rp>)</rp>
          </ruby>
        ),
      )}
    </span>
  );
}

/** The on/off switch (aria-pressed), ≥ 48 px. */
export function PinyinToggle({ on, onChange }: { on: boolean; onChange: (on: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <button type="button" className="button exercise-toggle" aria-pressed={on} onClick={() => onChange(!on)}>
      {t('exercise.pinyinToggle')}
    </button>
  );
}
