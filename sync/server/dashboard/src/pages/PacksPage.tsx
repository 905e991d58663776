/** 资源包: which pack versions the teaching points have installed, from what their computers report when they sync. */
import { useTranslation } from 'react-i18next';
import { api, countyQuery, type SchoolOverview } from '../api';
import type { PageProps } from '../App';
import { LoadView, useLoad } from '../load';

interface Installed {
  packId: string;
  version: number;
  schools: string[];
  devices: number;
}

/** Pack versions → the schools (and number of computers) that reported them installed. */
export function installedPacks(schools: SchoolOverview[]): Installed[] {
  const byKey = new Map<string, Installed>();
  for (const s of schools) {
    for (const d of s.devices) {
      for (const p of d.installedPacks ?? []) {
        const key = `${p.packId}\u0000${p.version}`;
        const row = byKey.get(key) ?? { packId: p.packId, version: p.version, schools: [], devices: 0 };
        if (!row.schools.includes(s.name)) row.schools.push(s.name);
        row.devices++;
        byKey.set(key, row);
      }
    }
  }
  return [...byKey.values()].sort((a, b) => a.packId.localeCompare(b.packId) || b.version - a.version);
}

export function PacksPage({ countyId }: PageProps) {
  const { t } = useTranslation();
  const loaded = useLoad(() => api<SchoolOverview[]>('GET', `/admin/dashboard/schools${countyQuery(countyId)}`), countyId ?? '');
  return (
    <section aria-labelledby="packs-heading">
      <div className="page-head">
        <h1 id="packs-heading">{t('packs.heading')}</h1>
      </div>
      <p className="notice">{t('packs.notYet')}</p>
      <h2>{t('packs.installedHeading')}</h2>
      <p className="muted">{t('packs.installedIntro')}</p>
      <LoadView loaded={loaded}>
        {(schools) => {
          const rows = installedPacks(schools);
          if (rows.length === 0) return <p className="muted">{t('packs.none')}</p>;
          return (
            <table className="data">
              <thead>
                <tr>
                  <th>{t('packs.pack')}</th>
                  <th className="num">{t('packs.version')}</th>
                  <th>{t('packs.schools')}</th>
                  <th className="num">{t('packs.devices')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.packId}-${r.version}`}>
                    <th scope="row">{r.packId}</th>
                    <td className="num">{r.version}</td>
                    <td>{r.schools.join('、')}</td>
                    <td className="num">{r.devices}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </LoadView>
    </section>
  );
}
