/**
 * U 盘数据包: upload a progress bundle a teaching point exported to a USB stick. The cloud checks it
 * whole (device in this county, HMAC with the device's key) and stores it through the same
 * idempotent path as a network push, so uploading it twice adds nothing.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BundleIngestSummary } from '../../../../protocol/bundle';
import { api, countyQuery, type SchoolOverview } from '../api';
import type { PageProps } from '../App';
import { FilePick } from '../file-pick';
import { count } from '../format';
import { ErrorLine, useLoad } from '../load';

/**
 * PROGRESS_BUNDLE_EXTENSION of sync/protocol/bundle.ts, written out: importing that module's value
 * pulls its zod schemas and Ed25519 code (~300 KB) into this page; the type import above is free.
 */
const BUNDLE_EXTENSION = '.tpbundle';

interface Uploaded extends BundleIngestSummary {
  fileName: string;
}

export function BundlesPage({ countyId }: PageProps) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const schools = useLoad(() => api<SchoolOverview[]>('GET', `/admin/dashboard/schools${countyQuery(countyId)}`), countyId ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [uploaded, setUploaded] = useState<Uploaded[]>([]);
  const schoolName = (id: string) => schools.data?.find((s) => s.id === id)?.name ?? id;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!file) return;
    const form = e.currentTarget;
    setBusy(true);
    setError(null);
    try {
      const summary = await api<BundleIngestSummary>('POST', '/admin/bundles', file);
      setUploaded((list) => [{ ...summary, fileName: file.name }, ...list]);
      form.reset();
      setFile(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const last = uploaded[0];

  return (
    <section aria-labelledby="bundles-heading">
      <div className="page-head">
        <h1 id="bundles-heading">{t('bundles.heading')}</h1>
      </div>
      <p className="muted">{t('bundles.intro')}</p>
      <form className="card compact" onSubmit={(e) => void submit(e)}>
        <div className="actions">
          <FilePick label={t('bundles.choose')} accept={BUNDLE_EXTENSION} file={file} onChange={setFile} />
          <button type="submit" className="primary" disabled={!file || busy}>
            {busy ? t('bundles.uploading') : t('bundles.upload')}
          </button>
        </div>
        {last && (
          <p className="ok" role="status" data-testid="bundle-result">
            {t('bundles.result', { name: last.fileName, stored: last.stored, duplicates: last.duplicates, rejected: last.rejected })}
            {last.seenBefore && <> {t('bundles.seenBefore')}</>}
          </p>
        )}
        <ErrorLine error={error} />
      </form>
      {uploaded.length > 0 && (
        <>
          <h2>{t('bundles.historyHeading')}</h2>
          <table className="data">
            <thead>
              <tr>
                <th>{t('bundles.file')}</th>
                <th>{t('bundles.school')}</th>
                <th className="num">{t('bundles.stored')}</th>
                <th className="num">{t('bundles.duplicates')}</th>
                <th className="num">{t('bundles.rejected')}</th>
              </tr>
            </thead>
            <tbody>
              {uploaded.map((u, i) => (
                <tr key={`${u.bundleId}-${i}`}>
                  <th scope="row">{u.fileName}</th>
                  <td>{schoolName(u.schoolId)}</td>
                  <td className="num">{count(u.stored, lng)}</td>
                  <td className="num">{count(u.duplicates, lng)}</td>
                  <td className="num">{count(u.rejected, lng)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
