import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import type { ClassRecord } from '../../../../common/records/records';
import { ErrorMessage } from '../../app/ErrorMessage';
import { pickTitle, useLanguage } from '../../app/localized';
import { useServices } from '../../app/services';
import { listClasses } from '../../db/people';
import { TeacherOnly } from '../teacher/TeacherOnly';
import { useTeacherMode } from '../teacher/teacher-mode';
import { classReportCsv, localTime, minutes, type ReportCsvLabels } from './csv';
import type { ClassReport, ItemRow, LearnerSetCell, SetRow } from './report';
import { useClassReport } from './use-class-report';
import './reports.css';

/**
 * 学习报告 (teacher mode): one class at a time — a summary, a learner × set grid (mastered / in
 * progress with correct % / not started), per set (mastered, in progress, who has not started,
 * attempts, correct %, time, the hardest items, every item), per learner; CSV for Excel and a
 * printable view. Everything is computed from the event log on the fly (report.ts).
 */
export function ReportsPage() {
  const { t } = useTranslation();
  const mode = useTeacherMode();
  if (mode.unlocked) return <UnlockedReportsPage />;
  return (
    <div className="reports-page">
      <h1>{t('reports.title')}</h1>
      {mode.state.status === 'checking' ? <p className="muted">{t('reports.loading')}</p> : <TeacherOnly>{null}</TeacherOnly>}
    </div>
  );
}

/** Learners' records are for the teacher: the page is shown in teacher mode only. */
function UnlockedReportsPage() {
  const { t } = useTranslation();
  const { db } = useServices();
  const [params, setParams] = useSearchParams();
  const [classes, setClasses] = useState<ClassRecord[] | undefined>(undefined);
  useEffect(() => {
    if (!db) return;
    let live = true;
    listClasses(db).then(
      (c) => live && setClasses(c),
      () => live && setClasses([]),
    );
    return () => {
      live = false;
    };
  }, [db]);
  const classId = params.get('class') ?? (classes?.length === 1 ? classes[0]!.id : null);

  return (
    <div className="reports-page">
      <div className="reports-bar">
        <h1>{t('reports.title')}</h1>
        {classes && classes.length > 0 ? (
          <label className="reports-class-pick no-print">
            <span>{t('reports.class')}</span>
            <select value={classId ?? ''} onChange={(e) => setParams(e.target.value ? { class: e.target.value } : {}, { replace: true })}>
              <option value="">{t('reports.pickClass')}</option>
              {classes.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <Link to="/teacher" className="button no-print">
          {t('reports.back')}
        </Link>
      </div>
      {!db ? <p className="notice">{t('reports.noDb')}</p> : null}
      {classes && classes.length === 0 ? <p className="notice">{t('reports.noClasses')}</p> : null}
      {classId ? <ClassReportView classId={classId} /> : null}
    </div>
  );
}

function pctText(t: (k: string, o?: Record<string, unknown>) => string, v: number | null): string {
  return v === null ? '—' : t('reports.pct', { n: v });
}

export function ClassReportView({ classId }: { classId: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const state = useClassReport(classId);
  if (state.status === 'loading') return <p className="muted">{t('reports.loading')}</p>;
  if (state.status === 'no-db') return null;
  if (state.status === 'error') return <ErrorMessage error={state.error} />;
  const { report, data, missing } = state;
  const className = data.cls?.name ?? '';
  const setTitle = (packId: string, setId: string) => {
    const s = report.sets.find((r) => r.packId === packId && r.set.id === setId);
    return s ? (pickTitle(s.set.title, language) ?? setId) : setId;
  };
  const labels: ReportCsvLabels = {
    header: {
      className: t('reports.csv.className'),
      learner: t('reports.csv.learner'),
      set: t('reports.csv.set'),
      status: t('reports.csv.status'),
      attempts: t('reports.csv.attempts'),
      correct: t('reports.csv.correct'),
      correctPct: t('reports.csv.correctPct'),
      minutes: t('reports.csv.minutes'),
      lastAt: t('reports.csv.lastAt'),
    },
    status: { mastered: t('reports.status.mastered'), 'in-progress': t('reports.status.inProgress'), 'not-started': t('reports.status.notStarted') },
  };
  const exportCsv = () => {
    const text = classReportCsv(report, { className, labels, setTitle });
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${t('reports.fileName')}-${className}-${localTime(new Date().toISOString()).slice(0, 10)}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const print = () => {
    document.querySelectorAll<HTMLDetailsElement>('.reports-page details').forEach((d) => (d.open = true));
    window.print();
  };

  return (
    <div className="class-report" data-testid="class-report">
      <div className="reports-actions no-print">
        <button type="button" className="button button-primary" onClick={exportCsv}>
          {t('reports.exportCsv')}
        </button>
        <button type="button" className="button" onClick={print}>
          {t('reports.print')}
        </button>
      </div>
      <p className="print-only reports-print-title">{t('reports.printTitle', { name: className, date: localTime(new Date().toISOString()) })}</p>
      <p className="reports-summary" data-testid="reports-summary">
        {t('reports.summary', {
          learners: report.totals.learners,
          sets: report.sets.length,
          attempts: report.totals.attempts,
          pct: pctText(t, report.totals.correctPct),
          minutes: minutes(report.totals.timeMs),
          notStarted: report.totals.notStartedAny,
        })}
      </p>
      {missing.length > 0 ? <p className="notice">{t('reports.missingPacks', { n: missing.length })}</p> : null}
      {report.learners.length === 0 ? <p className="notice">{t('reports.noLearners')}</p> : null}
      {report.sets.length === 0 && report.learners.length > 0 ? <p className="notice">{t('reports.noSets')}</p> : null}
      {report.sets.length > 0 && report.learners.length > 0 ? (
        <>
          <Grid report={report} setTitle={setTitle} />
          <section aria-labelledby="reports-sets">
            <h2 id="reports-sets">{t('reports.bySet')}</h2>
            {report.sets.map((s) => (
              <SetSection key={`${s.packId}/${s.set.id}`} row={s} title={setTitle(s.packId, s.set.id)} />
            ))}
          </section>
          <LearnerTable report={report} />
        </>
      ) : null}
    </div>
  );
}

function CellText({ cell }: { cell: LearnerSetCell }) {
  const { t } = useTranslation();
  if (cell.status === 'mastered') return <span className="cell-mastered">✓ {t('reports.status.mastered')}</span>;
  if (cell.status === 'not-started') return <span className="cell-not-started">{t('reports.status.notStarted')}</span>;
  return <span className="cell-in-progress">{t('reports.cellInProgress', { pct: pctText(t, cell.correctPct), attempts: cell.attempts })}</span>;
}

/** Learner × set: the one-glance view. */
function Grid({ report, setTitle }: { report: ClassReport; setTitle: (p: string, s: string) => string }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="reports-grid">
      <h2 id="reports-grid">{t('reports.grid')}</h2>
      <div className="table-scroll">
        <table className="report-table" data-testid="report-grid">
          <thead>
            <tr>
              <th scope="col">{t('reports.learner')}</th>
              {report.sets.map((s) => (
                <th key={`${s.packId}/${s.set.id}`} scope="col">
                  {setTitle(s.packId, s.set.id)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.learners.map((l) => (
              <tr key={l.learner.id} data-learner={l.learner.name}>
                <th scope="row">{l.learner.name}</th>
                {l.cells.map((c) => (
                  <td key={`${c.packId}/${c.setId}`} className={`cell cell-${c.status}`}>
                    <CellText cell={c} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ItemTable({ items }: { items: readonly ItemRow[] }) {
  const { t } = useTranslation();
  return (
    <table className="report-table">
      <thead>
        <tr>
          <th scope="col">{t('reports.item')}</th>
          <th scope="col">{t('reports.learnersAnswered')}</th>
          <th scope="col">{t('reports.attempts')}</th>
          <th scope="col">{t('reports.firstTryPct')}</th>
          <th scope="col">{t('reports.correctPct')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.itemId}>
            <td>{i.prompt}</td>
            <td className="num">{i.learners}</td>
            <td className="num">{i.attempts}</td>
            <td className="num">{pctText(t, i.firstTryPct)}</td>
            <td className="num">{pctText(t, i.correctPct)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SetSection({ row, title }: { row: SetRow; title: string }) {
  const { t } = useTranslation();
  const names = (list: readonly { name: string }[]) => (list.length ? list.map((l) => l.name).join('、') : t('reports.nobody'));
  return (
    <article className="report-set card" data-testid="report-set" aria-label={title}>
      <h3>{title}</h3>
      <dl className="report-facts">
        <div>
          <dt>{t('reports.status.mastered')}</dt>
          <dd data-testid="set-mastered">{names(row.mastered)}</dd>
        </div>
        <div>
          <dt>{t('reports.status.inProgress')}</dt>
          <dd data-testid="set-in-progress">{names(row.inProgress)}</dd>
        </div>
        <div>
          <dt>{t('reports.notStartedWho')}</dt>
          <dd data-testid="set-not-started">{names(row.notStarted)}</dd>
        </div>
        <div>
          <dt>{t('reports.totals')}</dt>
          <dd>{t('reports.setTotals', { attempts: row.attempts, pct: pctText(t, row.correctPct), minutes: minutes(row.timeMs) })}</dd>
        </div>
        <div>
          <dt>{t('reports.hardest')}</dt>
          <dd data-testid="set-hardest">{row.hardest.length ? row.hardest.map((i) => t('reports.hardestItem', { prompt: i.prompt, pct: pctText(t, i.firstTryPct) })).join('；') : t('reports.nothingYet')}</dd>
        </div>
      </dl>
      <details>
        <summary>{t('reports.everyItem', { n: row.items.length })}</summary>
        <ItemTable items={row.items} />
      </details>
    </article>
  );
}

function LearnerTable({ report }: { report: ClassReport }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="reports-learners">
      <h2 id="reports-learners">{t('reports.byLearner')}</h2>
      <div className="table-scroll">
        <table className="report-table" data-testid="report-learners">
          <thead>
            <tr>
              <th scope="col">{t('reports.learner')}</th>
              <th scope="col">{t('reports.setsMastered')}</th>
              <th scope="col">{t('reports.setsStarted')}</th>
              <th scope="col">{t('reports.attempts')}</th>
              <th scope="col">{t('reports.correctPct')}</th>
              <th scope="col">{t('reports.time')}</th>
              <th scope="col">{t('reports.lastAt')}</th>
            </tr>
          </thead>
          <tbody>
            {report.learners.map((l) => (
              <tr key={l.learner.id} data-learner={l.learner.name}>
                <th scope="row">{l.learner.name}</th>
                <td className="num">
                  {l.setsMastered} / {report.sets.length}
                </td>
                <td className="num">{l.setsStarted}</td>
                <td className="num">{l.attempts}</td>
                <td className="num">{pctText(t, l.correctPct)}</td>
                <td className="num">{t('reports.minutes', { n: minutes(l.timeMs) })}</td>
                <td>{l.lastAt ? localTime(l.lastAt) : t('reports.status.notStarted')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
