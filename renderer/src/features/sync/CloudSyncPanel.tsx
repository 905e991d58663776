import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClassHours, ClassPeriod } from '../../../../common/bridge/methods/sync';
import type { DownloadState } from '../../../../common/bridge/methods/downloads';
import { ErrorMessage } from '../../app/ErrorMessage';
import { pickText, useLanguage } from '../../app/localized';
import { useServices } from '../../app/services';
import { formatBytes, formatDate, fraction } from '../../format/format';
import { durationText } from './duration-text';
import { useBackgroundSync } from './sync-context';
import { useDownloads } from './use-downloads';
import './sync.css';

/**
 * 云端同步 on the teacher page: enroll (cloud address + code, or an enrollment file from a stick),
 * the school once enrolled, forget, the class-hours timetable with its download cap, and per-pack
 * download progress. Only shown in teacher mode (the host also refuses enroll/forget/timetable
 * without a teacher session).
 */
export function CloudSyncPanel() {
  const { t } = useTranslation();
  const { state } = useBackgroundSync();
  const host = state.host;
  return (
    <section className="card cloud-sync" aria-labelledby="cloud-sync-title">
      <h2 id="cloud-sync-title">{t('cloudSync.title')}</h2>
      <p className="muted">{t('cloudSync.intro')}</p>
      {host === null ? null : host.enrolled ? <Enrolled /> : <EnrollForm />}
      {host ? <ClassHoursForm classHours={host.classHours} capNow={host.capNowBytesPerSecond} /> : null}
      {host?.enrolled ? <Downloads /> : null}
    </section>
  );
}

function Enrolled() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { bridge } = useServices();
  const { sync, state } = useBackgroundSync();
  const host = state.host!;
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const forget = async () => {
    setError(null);
    try {
      await bridge.call('sync.forget', {});
      await sync?.refresh();
    } catch (err) {
      setError(err);
    }
    setConfirm(false);
  };
  return (
    <div className="cloud-enrolled">
      <p className="notice notice-ok" data-testid="cloud-enrolled">
        {t('cloudSync.enrolledAs', { school: host.school?.name ?? '', county: host.school?.countyName ?? '' })}
      </p>
      <p className="muted">
        {t('cloudSync.cloudAddress')}: {host.cloudUrl} · {t('cloudSync.deviceId')}: {host.deviceId?.slice(0, 8)} · {host.enrolledAt ? t('cloudSync.enrolledAt', { date: formatDate(host.enrolledAt, language) }) : null}
      </p>
      {state.engine?.error ? <p className="notice notice-warn">{pickText(state.engine.error.message, language)}</p> : null}
      {confirm ? (
        <p>
          {t('cloudSync.forgetConfirm')}{' '}
          <button type="button" className="button button-danger" onClick={() => void forget()}>
            {t('cloudSync.forgetYes')}
          </button>{' '}
          <button type="button" className="button" onClick={() => setConfirm(false)}>
            {t('cloudSync.forgetNo')}
          </button>
        </p>
      ) : (
        <button type="button" className="button" onClick={() => setConfirm(true)}>
          {t('cloudSync.forget')}
        </button>
      )}
      {error ? <ErrorMessage error={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}

function EnrollForm() {
  const { t } = useTranslation();
  const { bridge } = useServices();
  const { sync } = useBackgroundSync();
  const [cloudUrl, setCloudUrl] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const done = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      await sync?.refresh();
      void sync?.syncNow();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void done(() => bridge.call('sync.enroll', { cloudUrl: cloudUrl.trim(), code: code.trim() }));
  };
  const fromFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void done(async () => bridge.call('sync.enrollFromFile', { contents: await file.text() }));
  };
  return (
    <>
      <form className="cloud-enroll" onSubmit={submit}>
        <label>
          {t('cloudSync.cloudUrlLabel')}
          <input type="url" required value={cloudUrl} onChange={(e) => setCloudUrl(e.target.value)} placeholder="https://" name="cloudUrl" />
        </label>
        <label>
          {t('cloudSync.codeLabel')}
          <input required value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" name="code" maxLength={20} />
        </label>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('cloudSync.enrolling') : t('cloudSync.enroll')}
        </button>
      </form>
      <p>
        {t('cloudSync.orFile')}{' '}
        <label className="button">
          {t('cloudSync.chooseFile')}
          <input type="file" accept=".json,application/json" onChange={fromFile} hidden data-testid="enroll-file" />
        </label>
      </p>
      {error ? <ErrorMessage error={error} onDismiss={() => setError(null)} /> : null}
    </>
  );
}

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

function ClassHoursForm({ classHours, capNow }: { classHours: ClassHours; capNow: number | null }) {
  const { t } = useTranslation();
  const { bridge } = useServices();
  const { sync } = useBackgroundSync();
  const [periods, setPeriods] = useState<ClassPeriod[]>(classHours.periods);
  const [capKb, setCapKb] = useState(classHours.capBytesPerSecond === null ? '' : String(Math.round(classHours.capBytesPerSecond / 1024)));
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setSaved(false), [periods, capKb]);

  const change = (i: number, patch: Partial<ClassPeriod>) => setPeriods((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  const toggleDay = (i: number, day: number) => {
    const days = periods[i]!.days.includes(day) ? periods[i]!.days.filter((d) => d !== day) : [...periods[i]!.days, day].sort();
    if (days.length > 0) change(i, { days });
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const kb = Number(capKb);
      const capBytesPerSecond = capKb.trim() === '' || !(kb > 0) ? null : Math.max(1024, Math.round(kb * 1024));
      await bridge.call('sync.setClassHours', { classHours: { periods, capBytesPerSecond } });
      await sync?.refresh();
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="class-hours" onSubmit={(e) => void save(e)} aria-labelledby="class-hours-title">
      <h3 id="class-hours-title">{t('cloudSync.classHoursTitle')}</h3>
      <p className="muted">{t('cloudSync.classHoursIntro')}</p>
      {periods.map((p, i) => (
        <div className="class-period" key={i} data-testid="class-period">
          <span className="class-days">
            {DAYS.map((d) => (
              <label key={d} className="class-day">
                <input type="checkbox" checked={p.days.includes(d)} onChange={() => toggleDay(i, d)} />
                {t(`cloudSync.day${d}`)}
              </label>
            ))}
          </span>
          <label>
            {t('cloudSync.from')} <input type="time" value={p.start} required onChange={(e) => change(i, { start: e.target.value })} />
          </label>
          <label>
            {t('cloudSync.to')} <input type="time" value={p.end} required onChange={(e) => change(i, { end: e.target.value })} />
          </label>
          <button type="button" className="button button-small" onClick={() => setPeriods((ps) => ps.filter((_, j) => j !== i))}>
            {t('cloudSync.removePeriod')}
          </button>
        </div>
      ))}
      <p>
        <button type="button" className="button button-small" onClick={() => setPeriods((ps) => [...ps, { days: [1, 2, 3, 4, 5], start: '08:00', end: '11:30' }])}>
          {t('cloudSync.addPeriod')}
        </button>
      </p>
      <label>
        {t('cloudSync.cap')} <input type="number" min={1} step={1} value={capKb} onChange={(e) => setCapKb(e.target.value)} className="cap-input" name="cap" />
      </label>{' '}
      <button type="submit" className="button button-primary">
        {t('cloudSync.save')}
      </button>{' '}
      {saved ? <span className="notice notice-ok">{t('cloudSync.saved')}</span> : null}
      <p className="muted" data-testid="cap-now">
        {capNow === null ? t('cloudSync.noCapNow') : t('cloudSync.capNow', { rate: formatBytes(capNow) })}
      </p>
      {error ? <ErrorMessage error={error} onDismiss={() => setError(null)} /> : null}
    </form>
  );
}

function Downloads() {
  const { t } = useTranslation();
  const downloads = useDownloads();
  return (
    <div className="cloud-downloads">
      <h3>{t('cloudSync.downloadsTitle')}</h3>
      {downloads.length === 0 ? <p className="muted">{t('cloudSync.downloadsEmpty')}</p> : null}
      <ul className="download-list">
        {downloads.map((d) => (
          <DownloadRow key={`${d.packId}@${d.version}`} d={d} />
        ))}
      </ul>
    </div>
  );
}

function DownloadRow({ d }: { d: DownloadState }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const pct = Math.round(fraction(d.bytesDone, d.bytesTotal) * 100);
  return (
    <li data-testid="download-row">
      <strong>
        {d.packId} v{d.version}
      </strong>{' '}
      · {t(`cloudSync.state.${d.state}`)} · {formatBytes(d.bytesDone)} / {formatBytes(d.bytesTotal)} ({pct}%)
      {d.bytesPerSecond > 0 ? ` · ${t('cloudSync.rate', { rate: formatBytes(d.bytesPerSecond) })}` : ''}
      {d.etaSeconds !== null && d.state === 'downloading' ? ` · ${t('cloudSync.eta', { time: durationText(t, d.etaSeconds) })}` : ''}
      <div className="progress progress-thin" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={d.packId}>
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      {d.error ? <p className="notice notice-warn">{pickText(d.error.message, language)}</p> : null}
    </li>
  );
}
