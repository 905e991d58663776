/** 班级进度: per teaching point, its classes with learners, recent records, answers and masteries; xAPI download links. */
import { useTranslation } from 'react-i18next';
import { API, api, countyQuery, type SchoolProgress } from '../api';
import type { PageProps } from '../App';
import { count, percent } from '../format';
import { LoadView, useLoad } from '../load';

export function ProgressPage({ countyId }: PageProps) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const loaded = useLoad(() => api<SchoolProgress[]>('GET', `/admin/dashboard/progress${countyQuery(countyId)}`), countyId ?? '');
  return (
    <section aria-labelledby="progress-heading">
      <div className="page-head">
        <h1 id="progress-heading">{t('progress.heading')}</h1>
        <a className="button" href={`${API}/admin/export/xapi${countyQuery(countyId)}`} download>
          {t('progress.exportAll')}
        </a>
      </div>
      <p className="muted">{t('progress.intro')}</p>
      <LoadView loaded={loaded}>
        {(schools) => (
          <>
            {schools.map((s) => (
              <div key={s.schoolId} className="school-block" data-school={s.schoolName}>
                <div className="page-head">
                  <h2>
                    {s.schoolName}
                    {countyId === null && <span className="muted small"> · {s.countyName}</span>}
                  </h2>
                  {s.classes.length > 0 && (
                    <a className="small" href={`${API}/admin/export/xapi?schoolId=${encodeURIComponent(s.schoolId)}`} download>
                      {t('progress.exportSchool')}
                    </a>
                  )}
                </div>
                {s.classes.length === 0 ? (
                  <p className="muted">{t('progress.noClasses')}</p>
                ) : (
                  <table className="data">
                    <thead>
                      <tr>
                        <th>{t('progress.class')}</th>
                        <th className="num">{t('progress.learners')}</th>
                        <th className="num">{t('progress.events7')}</th>
                        <th className="num">{t('progress.events30')}</th>
                        <th className="num">{t('progress.active7')}</th>
                        <th className="num">{t('progress.answered30')}</th>
                        <th className="num">{t('progress.correctRate')}</th>
                        <th className="num">{t('progress.mastered')}</th>
                        <th className="num">{t('progress.learnersWithMastery')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {s.classes.map((c) => (
                        <tr key={c.classId ?? ''} data-class={c.name ?? ''}>
                          <th scope="row">
                            {c.name ?? <span className="muted">{t('progress.noClassName')}</span>}
                            {c.grade && <div className="muted small">{c.grade}</div>}
                          </th>
                          <td className="num" data-testid="learners">{count(c.learners, lng)}</td>
                          <td className="num" data-testid="events7">{count(c.events7d, lng)}</td>
                          <td className="num" data-testid="events30">{count(c.events30d, lng)}</td>
                          <td className="num">{count(c.activeLearners7d, lng)}</td>
                          <td className="num" data-testid="answered30">{count(c.answered30d, lng)}</td>
                          <td className="num">{percent(c.correct30d, c.answered30d, lng)}</td>
                          <td className="num" data-testid="mastered">{count(c.mastered, lng)}</td>
                          <td className="num">{count(c.learnersWithMastery, lng)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            ))}
          </>
        )}
      </LoadView>
    </section>
  );
}
