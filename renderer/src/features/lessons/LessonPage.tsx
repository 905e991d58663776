import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { Material } from '../../../../common/bridge/methods/materials';
import type { PackContent } from '../../../../common/bridge/methods/lessons';
import { TeachPointError } from '../../../../common/errors/errors';
import { findLessonPath, type Resource } from './lesson-tree';
import { ErrorMessage } from '../../app/ErrorMessage';
import { pickTitle, useLanguage } from '../../app/localized';
import { useBridgeEvent, useBridgeQuery, useServices } from '../../app/services';
import { durationKey, durationParts } from '../../format/format';
import { ExerciseRunner } from '../exercises/ExerciseRunner';
import { TeacherOnly } from '../teacher/TeacherOnly';
import { forgetChangedPacks, loadPackContent } from './catalog';
import { ClassModeBar, useClassMode } from './class-mode';
import { MediaView, type PlayableMedia, type PositionListener, type ViewerPosition } from './media-views';
import { useLessonPosition } from './positions';
import { StagePagerContext, type StagePager } from './stage-pager';

type Item = { key: string; kind: 'resource'; resource: Resource } | { key: string; kind: 'material'; material: Material };

/** `#/lesson/<packId>/<lessonId>`: the lesson's resources (and the teacher's attached materials), one shown at a time. */
export function LessonPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { bridge } = useServices();
  const { packId = '', lessonId = '' } = useParams();
  const [content, setContent] = useState<PackContent | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const materials = useBridgeQuery('materials.list', {}, ['materials.changed']);

  // Arriving from the (scrolled) library: start at the top, where the lesson's title and stage are.
  // (Block body: newer Chromium returns a Promise from scrollTo, which React would take for a cleanup.)
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [packId, lessonId]);
  useEffect(() => {
    let live = true;
    setError(null);
    loadPackContent(bridge, packId).then(
      (c) => live && setContent(c),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [bridge, packId, attempt]);
  // An update or removal of this pack while the lesson is open: reload (the old version's blobs are gone).
  useBridgeEvent('packs.changed', ({ packs }) => {
    forgetChangedPacks(packs);
    const installed = packs.find((p) => p.id === packId);
    if (!installed || installed.version !== content?.version) setAttempt((a) => a + 1);
  });

  const found = useMemo(() => (content ? findLessonPath(content.manifest.tree, lessonId) : null), [content, lessonId]);
  const items = useMemo<Item[]>(() => {
    if (!content || !found) return [];
    const byId = new Map(content.manifest.resources.map((r) => [r.id, r]));
    const own: Item[] = (found.lesson.resources ?? []).flatMap((id) => {
      const r = byId.get(id);
      return r ? [{ key: `r:${id}`, kind: 'resource' as const, resource: r }] : [];
    });
    const attached: Item[] = (materials.data ?? [])
      .filter((m) => m.attachedTo.some((a) => a.packId === packId && a.lessonId === lessonId))
      .map((m) => ({ key: `m:${m.id}`, kind: 'material' as const, material: m }));
    return [...own, ...attached];
  }, [content, found, materials.data, packId, lessonId]);
  // `?resource=<id>` (a search hit) or `?item=<key>` ("continue where you left off") opens that item
  // first; otherwise the item the lesson was left at.
  const [searchParams] = useSearchParams();
  const wantedResource = searchParams.get('resource');
  const wantedItem = searchParams.get('item') ?? (wantedResource ? `r:${wantedResource}` : null);
  const [selected, setSelected] = useState<string | null>(wantedItem);
  const remembered = useLessonPosition(packId, lessonId);
  const saved = remembered.state.status === 'ready' ? remembered.state.position : null;
  const current = items.find((i) => i.key === (selected ?? saved?.itemKey)) ?? items[0] ?? null;
  const currentIndex = current ? items.indexOf(current) : -1;

  // Presenter keys turn a PDF's pages first (the viewer registers itself), then move between items.
  const pagerRef = useRef<StagePager | null>(null);
  const pagerSlot = useMemo(() => ({ set: (p: StagePager | null) => void (pagerRef.current = p) }), []);
  const step = useCallback(
    (direction: 1 | -1) => {
      const pager = pagerRef.current;
      if (pager && (direction === 1 ? pager.next() : pager.prev())) return;
      const next = items[currentIndex + direction];
      if (next) setSelected(next.key);
    },
    [items, currentIndex],
  );
  const rootRef = useRef<HTMLDivElement>(null);
  const classMode = useClassMode(rootRef, step, items.length > 0);

  const lessonTitle = found?.lesson.title;
  const currentLabel = current ? itemLabel(current, language) : '';
  const onPosition = useCallback<PositionListener>(
    (p, opts) => {
      if (!current || !lessonTitle) return;
      remembered.save({ lessonTitle, itemKey: current.key, itemTitle: currentLabel, ...p }, opts);
    },
    [current, currentLabel, lessonTitle, remembered],
  );
  // Opening an item is remembered at once (so "continue" lands on it even if nothing plays).
  useEffect(() => {
    if (current && lessonTitle && remembered.state.status === 'ready') {
      remembered.save({ lessonTitle, itemKey: current.key, itemTitle: currentLabel }, { now: true });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current?.key, lessonTitle, remembered.state.status]);
  const startPosition: ViewerPosition | undefined = saved && current && saved.itemKey === current.key ? { seconds: saved.seconds, page: saved.page } : undefined;

  if (error) {
    return (
      <div className="lesson-page">
        <ErrorMessage error={error} onRetry={() => setAttempt((a) => a + 1)} />
        <Link to="/" className="button">
          {t('lesson.back')}
        </Link>
      </div>
    );
  }
  if (!content) return <p className="muted">{t('lesson.loading')}</p>;
  if (!found) {
    return (
      <div className="lesson-page">
        <ErrorMessage error={notFoundError(lessonId)} />
        <Link to="/" className="button">
          {t('lesson.back')}
        </Link>
      </div>
    );
  }

  const title = pickTitle(found.lesson.title, language) ?? lessonId;
  return (
    <div ref={rootRef} className={classMode.on ? 'lesson-page class-mode' : 'lesson-page'} aria-label={classMode.on ? t('classMode.label') : undefined}>
      {classMode.on ? null : (
        <div className="lesson-head">
          <nav aria-label={t('lessons.crumbs')}>
            <ol className="crumbs">
              <li>
                <Link to="/" className="crumb">
                  {t('lesson.back')}
                </Link>
              </li>
              {found.path.map((n) => (
                <li key={n.id} className="crumb-text">
                  {pickTitle(n.title, language)}
                </li>
              ))}
            </ol>
          </nav>
          <div className="lesson-title-row">
            <h1>{title}</h1>
            {items.length > 0 ? (
              <button type="button" className="button button-primary class-mode-enter" title={t('classMode.enterHint')} onClick={classMode.enter}>
                {t('classMode.enter')}
              </button>
            ) : null}
          </div>
        </div>
      )}
      <div className="lesson-layout">
        {classMode.on ? null : (
          <ul className="resource-list" aria-label={t('lesson.resources')}>
            {items.map((item) => {
              const kind = item.kind === 'resource' ? kindLabel(t, item.resource.kind) : `${t('lesson.kinds.material')} · ${kindLabel(t, item.material.kind)}`;
              return (
                <li key={item.key}>
                  <button type="button" className="resource-button" aria-pressed={current?.key === item.key} onClick={() => setSelected(item.key)}>
                    <span className="resource-title">{itemLabel(item, language)}</span>
                    <span className="resource-kind">{kind}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <div className="resource-stage">
          <StagePagerContext.Provider value={pagerSlot}>
            {current ? (
              <ResourceStage key={current.key} item={current} content={content} packId={packId} position={startPosition} onPosition={onPosition} />
            ) : (
              <p className="muted">{t('lesson.choose')}</p>
            )}
          </StagePagerContext.Provider>
        </div>
      </div>
      {classMode.on ? (
        <ClassModeBar
          title={title}
          itemTitle={currentLabel}
          index={currentIndex}
          total={items.length}
          onPrev={() => step(-1)}
          onNext={() => step(1)}
          black={classMode.black}
          onBlack={classMode.toggleBlack}
          onExit={classMode.exit}
        />
      ) : (
        <TeacherOnly quiet>
          <AttachMaterials packId={packId} lessonId={lessonId} materials={materials.data ?? []} />
        </TeacherOnly>
      )}
    </div>
  );
}

function itemLabel(item: Item, language: string): string {
  return item.kind === 'resource' ? (pickTitle(item.resource.title, language) ?? item.resource.id) : item.material.title;
}

function ResourceStage({
  item,
  content,
  packId,
  position,
  onPosition,
}: {
  item: Item;
  content: PackContent;
  packId: string;
  position?: ViewerPosition;
  onPosition?: PositionListener;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  if (item.kind === 'material') {
    const m = item.material;
    const media: PlayableMedia = { kind: m.kind, title: m.title, blob: m.blob, thumbnail: m.thumbnail };
    return (
      <>
        <h2>{m.title}</h2>
        <MediaView media={media} position={position} onPosition={onPosition} />
      </>
    );
  }
  const r = item.resource;
  const title = pickTitle(r.title, language) ?? r.id;
  if (r.kind === 'exercise-set') {
    const set = content.manifest.exercises.find((s) => s.id === r.exerciseSetId);
    return (
      <>
        <h2>{title}</h2>
        {set ? <ExerciseRunner key={set.id} packId={packId} set={set} /> : null}
      </>
    );
  }
  const media: PlayableMedia = {
    kind: r.kind,
    title,
    blob: r.blob,
    thumbnail: r.thumbnail ?? null,
    ...(r.subtitles ? { subtitles: r.subtitles.map((s) => ({ lang: s.lang, ...(s.label ? { label: s.label } : {}), blob: s.blob })) } : {}),
    ...(r.entry ? { entry: r.entry } : {}),
  };
  // Floored like the player's clock (a 12.4 s video shows 0:12 there, so "12 秒" here, not 13).
  const d = r.durationSec !== undefined ? durationParts(Math.max(1, Math.floor(r.durationSec))) : null;
  return (
    <>
      <h2>{title}</h2>
      {r.description ? <p>{pickTitle(r.description, language)}</p> : null}
      {d ? <p className="muted resource-duration">{t('lesson.duration', { duration: t(durationKey(d), { ...d }) })}</p> : null}
      <MediaView media={media} position={position} onPosition={onPosition} />
    </>
  );
}

function AttachMaterials({ packId, lessonId, materials }: { packId: string; lessonId: string; materials: Material[] }) {
  const { t } = useTranslation();
  const { bridge } = useServices();
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<unknown>(null);
  const here = (m: Material) => m.attachedTo.some((a) => a.packId === packId && a.lessonId === lessonId);
  const attached = materials.filter(here);
  const available = materials.filter((m) => !here(m));
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card attach" aria-labelledby="attach-title">
      <h2 id="attach-title">{t('lesson.attachTitle')}</h2>
      {attached.length > 0 ? (
        <ul className="attached-list">
          {attached.map((m) => (
            <li key={m.id}>
              <span>{m.title}</span>{' '}
              <button type="button" className="button button-small" onClick={() => void run(() => bridge.call('materials.detach', { id: m.id, packId, lessonId }))}>
                {t('lesson.detach')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {available.length === 0 ? (
        <p className="muted">{t('lesson.attachNone')}</p>
      ) : (
        <div className="attach-row">
          <label>
            <span className="visually-hidden">{t('lesson.attachSelect')}</span>
            <select aria-label={t('lesson.attachSelect')} value={choice} onChange={(e) => setChoice(e.target.value)}>
              <option value="">{t('lesson.attachSelect')}</option>
              {available.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.title}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button"
            disabled={!choice}
            onClick={() =>
              void run(async () => {
                await bridge.call('materials.attach', { id: choice, packId, lessonId });
                setChoice('');
              })
            }
          >
            {t('lesson.attachButton')}
          </button>
        </div>
      )}
      <Link to="/materials" className="button button-small">
        {t('lesson.manageMaterials')}
      </Link>
      {error ? <ErrorMessage error={error} onDismiss={() => setError(null)} /> : null}
    </section>
  );
}

type TFn = ReturnType<typeof useTranslation>['t'];
function kindLabel(t: TFn, kind: Resource['kind'] | Material['kind']): string {
  return kind === 'exercise-set' ? t('lesson.kinds.exerciseSet') : t(`lesson.kinds.${kind}`);
}

function notFoundError(lessonId: string): TeachPointError {
  return new TeachPointError(
    'lessons.not-found',
    { zh: '这个资源包里没有这节课（资源包可能已更新或删除）。请回到资源库重新选择。', en: 'This pack has no such lesson (it may have been updated or removed). Go back to the library and pick it again.' },
    { lessonId },
  );
}
