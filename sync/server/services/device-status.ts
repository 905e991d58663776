import type { DeviceStatus } from '../../protocol/common';
import type { Queryable } from '../db/db';

/**
 * The UPDATE recording what a device reported with a push or pull (the dashboard's last sync, queue,
 * bytes to download), with its parameters numbered from `$<first>` so it can join a bigger statement.
 */
export function deviceStatusUpdate(first: number, deviceId: string, via: 'push' | 'pull', now: Date, status: DeviceStatus | undefined): { sql: string; params: unknown[] } {
  const s = status ?? {};
  const p = (i: number) => `$${first + i}`;
  return {
    sql: `UPDATE devices SET
       last_seen_at = ${p(1)},
       ${via === 'push' ? 'last_push_at' : 'last_pull_at'} = ${p(1)},
       app_version = COALESCE(${p(2)}, app_version),
       queued_events = COALESCE(${p(3)}::integer, queued_events),
       queued_records = COALESCE(${p(4)}::integer, queued_records),
       bytes_to_download = COALESCE(${p(5)}::bigint, bytes_to_download),
       installed_packs = COALESCE(${p(6)}::jsonb, installed_packs),
       status_at = CASE WHEN ${p(7)}::boolean THEN ${p(1)}::timestamptz ELSE status_at END
     WHERE id = ${p(0)}`,
    params: [
      deviceId,
      now,
      s.appVersion ?? null,
      s.queuedEvents ?? null,
      s.queuedRecords ?? null,
      s.bytesToDownload ?? null,
      s.installedPacks ? JSON.stringify(s.installedPacks) : null,
      status !== undefined,
    ],
  };
}

export async function saveDeviceStatus(q: Queryable, deviceId: string, via: 'push' | 'pull', now: Date, status: DeviceStatus | undefined): Promise<void> {
  const u = deviceStatusUpdate(1, deviceId, via, now, status);
  await q.query(u.sql, u.params);
}
