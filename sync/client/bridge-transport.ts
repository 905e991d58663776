/**
 * The production `SyncTransport`: each request goes through the host's `sync.request` bridge method,
 * which attaches the device token (kept by the host, never seen here) and performs the HTTP exchange.
 * A bridge failure (host gone, not enrolled) counts as "no answer" (status 0) so the engine backs off
 * the same way as for a network failure.
 */
import type { BridgeRequest, BridgeResponse } from '../../common/bridge/contract';
import type { SyncTransport } from './transport';

export type SyncRequestCall = (request: BridgeRequest<'sync.request'>) => Promise<BridgeResponse<'sync.request'>>;

export function bridgeSyncTransport(callSyncRequest: SyncRequestCall): SyncTransport {
  return {
    async request(path, body, { gzip, timeoutMs }) {
      try {
        const answer = await callSyncRequest({ path, body, gzip, timeoutMs });
        return { ...answer, body: answer.body };
      } catch {
        return { status: 0, body: undefined, headers: {}, wireBytes: 0 };
      }
    },
  };
}
