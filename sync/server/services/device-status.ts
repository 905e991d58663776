import type { DeviceStatus } from '../../protocol/common';
import type { Queryable } from '../db/db';

/** Records what a device reported with a push or pull (the dashboard's last sync, queue, bytes to download). */
export async function saveDeviceStatus(q: Queryable, deviceId: string, via: 'push' | 'pull', now: Date, status: DeviceStatus | undefined): Promise<void> {
  const s = status ?? {};
  await q.query(
    `UPDATE devices SET
       last_seen_at = $2,
       ${via === 'push' ? 'last_push_at' : 'last_pull_at'} = $2,
       app_version = COALESCE($3, app_version),
       queued_events = COALESCE($4, queued_events),
       queued_records = COALESCE($5, queued_records),
       bytes_to_download = COALESCE($6, bytes_to_download),
       installed_packs = COALESCE($7::jsonb, installed_packs),
       status_at = CASE WHEN $8 THEN $2 ELSE status_at END
     WHERE id = $1`,
    [
      deviceId,
      now,
      s.appVersion ?? null,
      s.queuedEvents ?? null,
      s.queuedRecords ?? null,
      s.bytesToDownload ?? null,
      s.installedPacks ? JSON.stringify(s.installedPacks) : null,
      status !== undefined,
    ],
  );
}
