/**
 * The renderer's half of USB bundles (docs/bundles.md). The outbox lives here (Dexie, behind
 * `SyncStore`), the device token in the host: the renderer builds the same push batches an online
 * push sends (`buildPushBatch`) and hands them to the host, which seals and writes the file; an
 * inbound bundle's records come back from the host and go through the pull path (`applyPull`), its
 * acknowledgements through the push-ack path (`ackOutbox`).
 */
import type { InboundImportResult, WrittenProgressBundle } from '../../../../common/bridge/methods/bundles';
import { buildPushBatch } from '../../../../sync/client/batch';
import type { OutboxItem, PushRequest, SyncStore } from '../../../../sync/protocol/index';
import type { RendererBridge } from '../../bridge/types';

/** Batches per bridge request: a 48 KiB-gzip batch is a few hundred KB of JSON; requests stay under 1 MiB. */
const BATCHES_PER_APPEND = 1;

export interface ExportProgress {
  batchesDone: number;
  batches: number;
}

/** Every outbox row as push batches (oldest first within priority), with the rows each covers. */
export async function outboxAsBatches(store: SyncStore): Promise<{ requests: PushRequest[]; outboxIds: string[]; items: number }> {
  const counts = await store.countOutbox();
  const total = counts.events + counts.records;
  let remaining: readonly OutboxItem[] = total > 0 ? await store.peekOutbox(total) : [];
  const requests: PushRequest[] = [];
  const outboxIds: string[] = [];
  let items = 0;
  while (remaining.length > 0) {
    const batch = await buildPushBatch(remaining, { status: { queuedEvents: counts.events, queuedRecords: counts.records } });
    const consumed = batch.outboxIds.length + batch.orphanIds.length;
    if (batch.itemCount > 0) {
      requests.push(batch.request);
      items += batch.itemCount;
    }
    outboxIds.push(...batch.outboxIds);
    remaining = remaining.slice(Math.max(consumed, 1));
  }
  return { requests, outboxIds, items };
}

/**
 * Writes the whole outbox as a progress bundle into `toDir` (a stick). Null when there is nothing
 * to export. The outbox is not cleared (the device cannot know the stick arrives); an online push
 * or an inbound bundle's acks clear it.
 */
export async function exportProgressBundle(bridge: RendererBridge, store: SyncStore, toDir: string, onProgress?: (p: ExportProgress) => void): Promise<WrittenProgressBundle | null> {
  const { requests, outboxIds, items } = await outboxAsBatches(store);
  if (requests.length === 0) return null;
  const { exportId } = await bridge.call('bundles.progressBegin', { toDir, batches: requests.length, items });
  try {
    for (let i = 0; i < requests.length; i += BATCHES_PER_APPEND) {
      const chunk = requests.slice(i, i + BATCHES_PER_APPEND) as unknown as Record<string, unknown>[];
      await bridge.call('bundles.progressAppend', { exportId, batches: chunk });
      onProgress?.({ batchesDone: Math.min(i + BATCHES_PER_APPEND, requests.length), batches: requests.length });
    }
    return await bridge.call('bundles.progressFinish', { exportId, outboxIds });
  } catch (err) {
    await bridge.call('bundles.progressAbort', { exportId }).catch(() => undefined);
    throw err;
  }
}

/** Imports an inbound bundle: the host verifies it and installs its packs; its records and acks are applied here. */
export async function importInboundBundle(bridge: RendererBridge, store: SyncStore, path: string): Promise<InboundImportResult> {
  const result = await bridge.call('bundles.importInbound', { path });
  await store.applyPull(result.cloudUrl, result.changes, result.cursor);
  if (result.ackedOutboxIds.length > 0) await store.ackOutbox(result.ackedOutboxIds);
  return result;
}
