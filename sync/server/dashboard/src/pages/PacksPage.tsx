/**
 * 资源包: upload a signed .tpk (the cloud verifies it with the trust chain before storing anything),
 * release a version to one teaching point or the whole county, and see for each release whether the
 * school's computers report it installed (device status sent with every sync).
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { pickTitle } from '../../../../../renderer/src/app/localized';
import { api, countyQuery, type PackRelease, type PackVersion, type PublishResult, type SchoolOverview } from '../api';
import type { PageProps } from '../App';
import { FilePick } from '../file-pick';
import { formatBytes } from '../../../../../common/format/bytes';
import { dateTime } from '../format';
import { ErrorLine, LoadView, useLoad } from '../load';

interface PacksData {
  versions: PackVersion[];
  releases: PackRelease[];
  schools: SchoolOverview[];
}

/** Does any computer of the school report this pack at this version or newer? */
export function schoolHasPack(school: SchoolOverview | undefined, packId: string, version: number): boolean {
  return !!school?.devices.some((d) => (d.installedPacks ?? []).some((p) => p.packId === packId && p.version >= version));
}

export function PacksPage({ countyId }: PageProps) {
  const { t } = useTranslation();
  const loaded = useLoad(async (): Promise<PacksData> => {
    const [versions, releases, schools] = await Promise.all([
      api<PackVersion[]>('GET', '/admin/packs'),
      api<PackRelease[]>('GET', '/admin/releases'),
      api<SchoolOverview[]>('GET', `/admin/dashboard/schools${countyQuery(countyId)}`),
    ]);
    // A province admin looking at one county sees that county's releases only.
    return { versions, releases: releases.filter((r) => !r.withdrawn && (countyId === null || r.countyId === countyId)), schools };
  }, countyId ?? '');

  return (
    <section aria-labelledby="packs-heading">
      <div className="page-head">
        <h1 id="packs-heading">{t('packs.heading')}</h1>
        <button type="button" onClick={loaded.reload}>
          {t('app.refresh')}
        </button>
      </div>
      <UploadPack onUploaded={loaded.reload} />
      <LoadView loaded={loaded}>{(data) => <PackTables data={data} countyId={countyId} onReleased={loaded.reload} />}</LoadView>
    </section>
  );
}

function UploadPack({ onUploaded }: { onUploaded: () => void }) {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<PublishResult | null>(null);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!file) return;
    const form = e.currentTarget;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await api<PublishResult>('POST', `/admin/packs?filename=${encodeURIComponent(file.name)}`, file));
      form.reset();
      setFile(null);
      onUploaded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card compact" onSubmit={(e) => void submit(e)}>
      <h2>{t('packs.uploadHeading')}</h2>
      <p className="muted small">{t('packs.uploadIntro')}</p>
      <div className="actions">
        <FilePick label={t('packs.chooseFile')} accept=".tpk" file={file} onChange={setFile} />
        <button type="submit" className="primary" disabled={!file || busy}>
          {busy ? t('packs.uploading') : t('packs.upload')}
        </button>
      </div>
      {done && (
        <p className="ok" role="status">
          {t(done.alreadyPublished ? 'packs.alreadyPublished' : 'packs.published', {
            title: pickTitle(done.title, i18n.language),
            version: done.version,
            size: formatBytes(done.bytesStored),
          })}
        </p>
      )}
      <ErrorLine error={error} />
    </form>
  );
}

function facetText(v: PackVersion): string {
  return v.facets.map((f) => [f.stage?.title, f.subject?.title, f.edition?.title].filter(Boolean).join(' · ')).join('；');
}

function PackTables({ data, countyId, onReleased }: { data: PacksData; countyId: string | null; onReleased: () => void }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const [releasing, setReleasing] = useState<string | null>(null);
  const schoolById = new Map(data.schools.map((s) => [s.id, s]));
  const installedCount = (v: PackVersion) =>
    new Set(data.releases.filter((r) => r.packId === v.packId && r.version === v.version && schoolHasPack(schoolById.get(r.schoolId), r.packId, r.version)).map((r) => r.schoolId)).size;

  return (
    <>
      <h2>{t('packs.versionsHeading')}</h2>
      {data.versions.length === 0 ? (
        <p className="muted">{t('packs.noVersions')}</p>
      ) : (
        <table className="data" data-testid="pack-versions">
          <thead>
            <tr>
              <th>{t('packs.pack')}</th>
              <th className="num">{t('packs.version')}</th>
              <th>{t('packs.facets')}</th>
              <th className="num">{t('packs.size')}</th>
              <th>{t('packs.uploadedAt')}</th>
              <th className="num">{t('packs.released')}</th>
              <th className="num">{t('packs.installed')}</th>
              <th>{t('codes.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {data.versions.map((v) => {
              const key = `${v.packId}@${v.version}`;
              return (
                <tr key={key} data-pack={key}>
                  <th scope="row">
                    {pickTitle(v.title, lng)}
                    <div className="muted small">{v.packId}</div>
                  </th>
                  <td className="num">{v.version}</td>
                  <td>{facetText(v) || '—'}</td>
                  <td className="num">{formatBytes(v.totalBytes)}</td>
                  <td>
                    {dateTime(v.uploadedAt, lng)}
                    <div className="muted small">{v.uploadedBy}</div>
                  </td>
                  <td className="num" data-testid="released-count">{v.releasedSchools}</td>
                  <td className="num" data-testid="installed-count">{installedCount(v)}</td>
                  <td>
                    {releasing === key ? (
                      <ReleaseForm version={v} schools={data.schools} countyId={countyId} onDone={() => { setReleasing(null); onReleased(); }} onCancel={() => setReleasing(null)} />
                    ) : (
                      <button type="button" onClick={() => setReleasing(key)}>
                        {t('packs.release')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      <h2>{t('packs.releasesHeading')}</h2>
      {data.releases.length === 0 ? (
        <p className="muted">{t('packs.noReleases')}</p>
      ) : (
        <table className="data" data-testid="pack-releases">
          <thead>
            <tr>
              <th>{t('schools.school')}</th>
              <th>{t('packs.pack')}</th>
              <th className="num">{t('packs.version')}</th>
              <th>{t('packs.releasedAt')}</th>
              <th>{t('packs.state')}</th>
            </tr>
          </thead>
          <tbody>
            {data.releases.map((r) => {
              const school = schoolById.get(r.schoolId);
              const has = schoolHasPack(school, r.packId, r.version);
              return (
                <tr key={`${r.schoolId}-${r.packId}-${r.version}`} data-release={`${r.schoolName}|${r.packId}@${r.version}`}>
                  <th scope="row">{r.schoolName}</th>
                  <td>{pickTitle(r.title, lng)}</td>
                  <td className="num">{r.version}</td>
                  <td>{dateTime(r.releasedAt, lng)}</td>
                  <td className={has ? 'state-active' : 'muted'} data-testid="install-state">
                    {has ? t('packs.stateInstalled') : school && school.bytesToDownload > 0 ? t('packs.stateDownloading', { size: formatBytes(school.bytesToDownload) }) : t('packs.stateNotYet')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Release one version to a single teaching point or to every teaching point of the county. */
function ReleaseForm({ version, schools, countyId, onDone, onCancel }: { version: PackVersion; schools: SchoolOverview[]; countyId: string | null; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [target, setTarget] = useState(countyId === null ? (schools[0]?.id ?? '') : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const to = target ? { schoolIds: [target] } : countyId ? { countyId } : {};
      await api('POST', '/admin/releases', { packId: version.packId, version: version.version, ...to });
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form className="release-form" onSubmit={(e) => void submit(e)}>
      <select value={target} onChange={(e) => setTarget(e.target.value)} aria-label={t('packs.releaseTo')}>
        {countyId !== null && <option value="">{t('packs.wholeCounty')}</option>}
        {schools.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
      <button type="submit" className="primary" disabled={busy || (countyId === null && !target)}>
        {t('packs.releaseConfirm')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('codes.cancel')}
      </button>
      <ErrorLine error={error} />
    </form>
  );
}
