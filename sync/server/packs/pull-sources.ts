/**
 * What pull brings a device about packs (docs/sync-protocol.md §5–6): `packReleases` for its school
 * (withdrawn ones with `deleted: true`) and `trustedKeys` — the county publisher certificate that
 * verified each released pack, delivered under the release's `trust_seq` (taken just before its
 * `seq`), so a device holds the key before it sees the release. A certificate shared by several
 * releases arrives once per release; the device keeps one copy by id.
 */
import type { PackRelease, TrustedKey } from '../../protocol/pull';
import { iso } from '../ids';
import { registerPullSource, type PullSource } from '../services/pull';

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export const packReleasesSource: PullSource = {
  kind: 'packReleases',
  async read(q, scope, after, limit) {
    const r = await q.query<{
      seq_text: string;
      pack_id: string;
      version: number;
      title: unknown;
      manifest_sha256: string;
      total_bytes: string | number;
      released_at: unknown;
      updated_at: unknown;
      deleted: boolean;
    }>(
      `SELECT r.seq::text AS seq_text, r.pack_id, r.version, v.title, v.manifest_sha256, v.total_bytes, r.released_at, r.updated_at, r.deleted
         FROM pack_releases r JOIN pack_versions v ON v.pack_id = r.pack_id AND v.version = r.version
        WHERE r.school_id = $1 AND r.seq > $2::bigint
        ORDER BY r.seq LIMIT $3`,
      [scope.schoolId, after, limit],
    );
    return r.rows.map((x) => {
      const item: PackRelease = {
        id: `${x.pack_id}@${x.version}`,
        packId: x.pack_id,
        version: x.version,
        title: json(x.title),
        manifestSha256: x.manifest_sha256,
        totalBytes: Number(x.total_bytes),
        releasedAt: iso(x.released_at)!,
        updatedAt: iso(x.updated_at)!,
        deleted: x.deleted,
      };
      return { seq: x.seq_text, item };
    });
  },
};

export const trustedKeysSource: PullSource = {
  kind: 'trustedKeys',
  async read(q, scope, after, limit) {
    const r = await q.query<{ seq_text: string; publisher_key_id: string; certificate: unknown; released_at: unknown }>(
      `SELECT r.trust_seq::text AS seq_text, v.publisher_key_id, v.certificate, r.released_at
         FROM pack_releases r JOIN pack_versions v ON v.pack_id = r.pack_id AND v.version = r.version
        WHERE r.school_id = $1 AND r.trust_seq > $2::bigint
        ORDER BY r.trust_seq LIMIT $3`,
      [scope.schoolId, after, limit],
    );
    return r.rows.map((x) => {
      const item: TrustedKey = {
        id: `certificate:${x.publisher_key_id}`,
        kind: 'certificate',
        document: json(x.certificate),
        updatedAt: iso(x.released_at)!,
        deleted: false,
      };
      return { seq: x.seq_text, item };
    });
  },
};

let registered = false;
/** Adds both sources to pull (once per process). */
export function registerPackPullSources(): void {
  if (registered) return;
  registered = true;
  registerPullSource(packReleasesSource);
  registerPullSource(trustedKeysSource);
}
