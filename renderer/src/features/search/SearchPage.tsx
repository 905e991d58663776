import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../app/ErrorMessage';
import { pickTitle, useLanguage } from '../../app/localized';
import type { ResourceKind } from '../../../../content-packs/format/manifest';
import { search, type ResultGroup } from './search-index';
import { useSearchIndex } from './search-store';
import './search.css';

type Title = Parameters<typeof pickTitle>[0];

/** `#/search?q=…`: matching resources under their lessons, grouped by 学段 · 学科 · 年级. */
export function SearchPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const [params] = useSearchParams();
  const query = params.get('q') ?? '';
  const { index, building, error, store } = useSearchIndex(true);
  const result = useMemo(() => (index ? search(index, query) : null), [index, query]);
  const title = (x: Title) => pickTitle(x, language) ?? '';
  const kind = (k: ResourceKind) => (k === 'exercise-set' ? t('lesson.kinds.exerciseSet') : t(`lesson.kinds.${k}`));
  const groupTitle = (g: ResultGroup) => [g.stage, g.subject, g.grade].filter((x) => x !== null).map(title).join(' · ') || t('search.otherGroup');
  const lessonCount = result ? result.groups.reduce((n, g) => n + g.lessons.length, 0) + result.moreLessons : 0;

  return (
    <section className="card search-page" aria-labelledby="search-title">
      <h1 id="search-title">{t('search.title')}</h1>
      {error && !index ? <ErrorMessage error={error} onRetry={() => void store.ensure().catch(() => undefined)} /> : null}
      {!index && building ? <p className="muted">{t('search.building')}</p> : null}
      {index && index.docs.length === 0 ? <p className="empty">{t('search.noPacks')}</p> : null}
      {result && index && index.docs.length > 0 && query.trim() === '' ? <p className="search-hint">{t('search.hint')}</p> : null}
      {result && result.total === 0 && query.trim() !== '' && index && index.docs.length > 0 ? (
        <>
          <p className="empty">{t('search.none', { query })}</p>
          <p className="search-hint">{t('search.hint')}</p>
        </>
      ) : null}
      {result && result.total > 0 ? (
        <>
          <p className="search-summary" role="status">
            {t('search.summary', { query, lessons: lessonCount, resources: result.total })}
          </p>
          {result.groups.map((g) => (
            <section key={g.key} className="search-group" aria-label={groupTitle(g)}>
              <h2 className="search-group-title">{groupTitle(g)}</h2>
              <ul className="search-lessons">
                {g.lessons.map((l) => {
                  const to = `/lesson/${encodeURIComponent(l.packId)}/${encodeURIComponent(l.lessonId)}`;
                  return (
                    <li key={`${l.packId}/${l.lessonId}`} className="search-lesson">
                      <Link className="search-lesson-link" to={to}>
                        <span className="search-lesson-title">{title(l.lessonTitle)}</span>
                        {l.trail.length > 0 ? <span className="search-lesson-trail">{l.trail.map(title).join(' · ')}</span> : null}
                      </Link>
                      <ul className="search-resources" aria-label={t('search.resourcesOf', { lesson: title(l.lessonTitle) })}>
                        {l.resources.map((h) => (
                          <li key={h.doc.resourceId}>
                            <Link className="search-resource-link" to={`${to}?resource=${encodeURIComponent(h.doc.resourceId)}`}>
                              <span className="search-resource-kind">{kind(h.doc.resourceKind)}</span>
                              <span className="search-resource-title">{title(h.doc.title)}</span>
                            </Link>
                          </li>
                        ))}
                      </ul>
                    </li>
                  );
                })}
              </ul>
            </section>
          ))}
          {result.moreLessons > 0 ? <p className="search-more">{t('search.more', { count: result.moreLessons })}</p> : null}
        </>
      ) : null}
    </section>
  );
}
