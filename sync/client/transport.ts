/**
 * How the engine reaches a sync server. In the app the host performs the request (the `sync.request`
 * bridge method: it attaches the device token, which the renderer never sees); tests and benches use
 * `createFetchTransport` against a cloud on loopback. Either way the engine sees only this interface.
 */

export interface SyncTransportOptions {
  /** Send the body gzip-compressed (`Content-Encoding: gzip`). */
  gzip: boolean;
  /** Hard timeout for the whole exchange; the transport fails with status 0 when it passes. */
  timeoutMs: number;
}

export interface SyncTransportResponse {
  /** HTTP status; 0 = no answer (network down, connection cut, timeout). */
  status: number;
  /** The parsed JSON answer (undefined when there was none or it was not JSON). */
  body: unknown;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Bytes this exchange put on the wire both ways (request + answer, headers included; estimated where the platform hides them). */
  wireBytes: number;
}

export interface SyncTransport {
  /**
   * `path` is under `/api/v1/` of the enrolled server. `body` is the JSON text to send (POST), or
   * `null` for a GET. Never throws for HTTP or network failures: those come back as a status.
   */
  request(path: string, body: string | null, options: SyncTransportOptions): Promise<SyncTransportResponse>;
}
