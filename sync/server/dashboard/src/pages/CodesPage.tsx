/** 注册码: per teaching point, create / list / revoke one-time enrollment codes, and download an offline enrollment file. */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, countyQuery, type EnrollmentCode } from '../api';
import type { PageProps } from '../App';
import { dateTime } from '../format';
import { ErrorLine, LoadView, useLoad } from '../load';

interface School {
  id: string;
  name: string;
  countyName: string;
}

export function CodesPage({ countyId }: PageProps) {
  const { t } = useTranslation();
  const schools = useLoad(() => api<School[]>('GET', `/admin/schools${countyQuery(countyId)}`), countyId ?? '');
  const [schoolId, setSchoolId] = useState('');
  useEffect(() => {
    const list = schools.data ?? [];
    if (!list.some((s) => s.id === schoolId)) setSchoolId(list[0]?.id ?? '');
  }, [schools.data, schoolId]);

  return (
    <section aria-labelledby="codes-heading">
      <div className="page-head">
        <h1 id="codes-heading">{t('codes.heading')}</h1>
      </div>
      <p className="muted">{t('codes.intro')}</p>
      <LoadView loaded={schools}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">{t('codes.noSchools')}</p>
          ) : (
            <>
              <label className="field inline">
                <span>{t('codes.school')}</span>
                <select value={schoolId} onChange={(e) => setSchoolId(e.target.value)} data-testid="code-school">
                  {list.map((s) => (
                    <option key={s.id} value={s.id}>
                      {countyId === null ? `${s.countyName} · ${s.name}` : s.name}
                    </option>
                  ))}
                </select>
              </label>
              {schoolId && <SchoolCodes key={schoolId} schoolId={schoolId} />}
            </>
          )
        }
      </LoadView>
    </section>
  );
}

function SchoolCodes({ schoolId }: { schoolId: string }) {
  const { t, i18n } = useTranslation();
  const codes = useLoad(() => api<EnrollmentCode[]>('GET', `/admin/schools/${encodeURIComponent(schoolId)}/enrollment-codes`), schoolId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      codes.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const create = () =>
    act(async () => {
      const code = await api<EnrollmentCode>('POST', `/admin/schools/${encodeURIComponent(schoolId)}/enrollment-codes`, {});
      setCreated(code.code);
    });
  const revoke = (id: string) =>
    act(async () => {
      await api('POST', `/admin/enrollment-codes/${encodeURIComponent(id)}/revoke`, {});
      setConfirming(null);
      setCreated(null);
    });

  return (
    <>
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void create()}>
          {busy ? t('codes.creating') : t('codes.create')}
        </button>
      </div>
      {created && (
        <p className="ok" role="status" data-testid="new-code">
          {t('codes.created', { code: created })}
        </p>
      )}
      <ErrorLine error={error} />
      <LoadView loaded={codes}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">{t('codes.none')}</p>
          ) : (
            <table className="data" data-testid="codes-table">
              <thead>
                <tr>
                  <th>{t('codes.code')}</th>
                  <th>{t('codes.state')}</th>
                  <th>{t('codes.createdAt')}</th>
                  <th>{t('codes.expiresAt')}</th>
                  <th>{t('codes.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <tr key={c.id} data-code={c.code}>
                    <th scope="row" className="code">
                      {c.code}
                    </th>
                    <td className={`state-${c.state}`}>{t(`codes.states.${c.state}`)}</td>
                    <td>{dateTime(c.createdAt, i18n.language)}</td>
                    <td>{dateTime(c.expiresAt, i18n.language)}</td>
                    <td>
                      {c.state === 'active' &&
                        (confirming === c.id ? (
                          <>
                            <button type="button" className="danger" disabled={busy} onClick={() => void revoke(c.id)}>
                              {t('codes.revokeConfirm')}
                            </button>{' '}
                            <button type="button" onClick={() => setConfirming(null)}>
                              {t('codes.cancel')}
                            </button>
                          </>
                        ) : (
                          <button type="button" onClick={() => setConfirming(c.id)}>
                            {t('codes.revoke')}
                          </button>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadView>
      <EnrollmentFile schoolId={schoolId} />
    </>
  );
}

/** The cloud makes the device and its token now; the browser saves the answer as a file for the USB stick. */
function EnrollmentFile({ schoolId }: { schoolId: string }) {
  const { t } = useTranslation();
  const [deviceName, setDeviceName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const download = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const file = await api<{ deviceId: string }>('POST', `/admin/schools/${encodeURIComponent(schoolId)}/enrollment-file`, { deviceName: deviceName.trim() });
      const name = `teachpoint-enrollment-${file.deviceId}.tpenroll.json`;
      const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setSaved(name);
      setDeviceName('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(e) => void download(e)}>
      <h2>{t('codes.fileHeading')}</h2>
      <p className="muted">{t('codes.fileIntro')}</p>
      <div className="actions">
        <label className="field inline">
          <span>{t('codes.deviceName')}</span>
          <input value={deviceName} maxLength={64} placeholder={t('codes.deviceNamePlaceholder')} onChange={(e) => setDeviceName(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          {t('codes.downloadFile')}
        </button>
      </div>
      {saved && (
        <p className="ok" role="status">
          {t('codes.fileReady', { name: saved })}
        </p>
      )}
      <ErrorLine error={error} />
    </form>
  );
}
