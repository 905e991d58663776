/**
 * A stand-in for the cloud's pack routes (docs/sync-protocol.md §6, engineer B2's contract) for the
 * downloader's tests and bench: `GET /api/v1/packs/:id/:version/manifest(.sig)` with the device
 * token, `GET /blobs/:sha256` with `ETag`, `Range` → 206, `If-Range`, 416 — over real HTTP on
 * loopback. Fault knobs: cut a blob's socket after N body bytes, serve tampered bytes, or (bench)
 * a simulated downstream link: blob bodies paced at a fixed rate with cuts at seeded byte counts.
 * Tools layer (Node 20).
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalBytes } from '../../content-packs/format/canonical';
import { signatureFileBytes, signManifest } from '../../content-packs/format/signature';
import { nodeEd25519 } from '../../content-packs/node/ed25519-node';
import { testTrust, type TestPack } from '../../content-packs/import/test-helpers';

export interface ServedRelease {
  packId: string;
  version: number;
  manifestSha256: string;
  totalBytes: number;
}

export interface PackServer {
  origin: string;
  token: string;
  /** Publish a test pack; returns the release as pull would deliver it. */
  publish(pack: TestPack): Promise<ServedRelease>;
  /** Body bytes sent per blob sha256 (all requests). */
  bodyBytesSent: Map<string, number>;
  /** Blob requests seen (sha256 + Range header). */
  blobRequests: Array<{ sha256: string; range: string | null; ifRange: string | null }>;
  /** Destroy the socket of the next response for `sha256` after `afterBytes` body bytes (once per call). */
  cutNext(sha256: string, afterBytes: number): void;
  /** The next response for `sha256` sends `afterBytes` body bytes and then goes silent (socket left open). */
  stallNext(sha256: string, afterBytes: number): void;
  /** Serve `sha256` with one byte flipped at `offset` (until cleared). */
  tamper(sha256: string, offset: number | null): void;
  close(): Promise<void>;
}

export interface LinkOptions {
  /** Pace blob bodies to this many bytes/s, shared by all connections (one downstream link). */
  bytesPerSecond?: number;
  /** Bytes of blob bodies before the next cut (drawn again after each cut); null = no random cuts. */
  nextCut?: () => number | null;
}

/** Milliseconds the simulated link sat idle, by cause (bench diagnostics). */
export interface LinkIdle {
  betweenResponsesMs: number;
  receiverSlowMs: number;
  senderLateMs: number;
}

/** Blob bodies go out in slices this big, so pacing is smooth and a cut falls mid-stream. */
const SLICE = 64 * 1024;
const LINK_QUEUE_MS = 100;

export async function startPackServer(options: { token?: string; port?: number; link?: LinkOptions } = {}): Promise<PackServer & { linkCuts(): number; linkIdle(): LinkIdle }> {
  const link = { freeAt: 0, untilCut: options.link?.nextCut?.() ?? null, cuts: 0 };
  const idle: LinkIdle = { betweenResponsesMs: 0, receiverSlowMs: 0, senderLateMs: 0 };
  const rate = options.link?.bytesPerSecond ?? 0;
  /**
   * Send a blob body over the simulated link: paced at `rate` (one schedule for every connection),
   * cut (socket destroyed) when the link's byte count reaches the drawn cut point. Slices are
   * written in order by one async loop per response — the pacing never reorders bytes.
   */
  async function sendOverLink(res: ServerResponse, body: Buffer, sha: string): Promise<void> {
    let after: 'start' | 'drain' | 'timer' = 'start';
    for (let off = 0; off < body.length; off += SLICE) {
      let slice = body.subarray(off, Math.min(off + SLICE, body.length));
      if (rate) {
        // The link's bottleneck queue holds up to LINK_QUEUE_MS of data: when this process is
        // descheduled for a moment (a loaded machine), the link keeps sending from its queue, as a
        // real link does while the sender has data waiting, instead of idling.
        const now = Date.now();
        // Time the link sat idle (its queue ran dry), by cause: no response was sending (the
        // device between requests), the device not reading (socket full), or this process late.
        const gap = now - LINK_QUEUE_MS - link.freeAt;
        if (gap > 0 && link.freeAt > 0) {
          if (after === 'start') idle.betweenResponsesMs += gap;
          else if (after === 'drain') idle.receiverSlowMs += gap;
          else idle.senderLateMs += gap;
        }
        link.freeAt = Math.max(now - LINK_QUEUE_MS, link.freeAt) + (slice.length * 1000) / rate;
        const wait = link.freeAt - now;
        if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
        after = 'timer';
      }
      if (res.destroyed) return;
      // The cut point is checked after the wait: another response may have used the link meanwhile.
      let cut = false;
      if (link.untilCut !== null && slice.length >= link.untilCut) {
        slice = slice.subarray(0, link.untilCut);
        cut = true;
      }
      if (link.untilCut !== null) link.untilCut -= slice.length;
      bodyBytesSent.set(sha, (bodyBytesSent.get(sha) ?? 0) + slice.length);
      const flowing = res.write(slice);
      if (cut) {
        link.cuts++;
        link.untilCut = options.link?.nextCut?.() ?? null;
        res.socket?.destroy();
        return;
      }
      if (!flowing) {
        after = 'drain';
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    }
    res.end();
  }

  const token = options.token ?? `tpd_${'a'.repeat(43)}`;
  const manifests = new Map<string, { manifest: Buffer; sig: Buffer }>();
  const blobs = new Map<string, Buffer>();
  const cuts = new Map<string, number[]>();
  const tampered = new Map<string, number>();
  const stalls = new Map<string, number[]>();
  const bodyBytesSent = new Map<string, number>();
  const blobRequests: PackServer['blobRequests'] = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/api\/v1\/packs\/([^/]+)\/(\d+)\/(manifest|manifest\.sig)$/.exec(url.pathname);
    if (m) {
      if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
      const entry = manifests.get(`${decodeURIComponent(m[1]!)}@${m[2]}`);
      if (!entry) return void res.writeHead(404).end();
      const body = m[3] === 'manifest' ? entry.manifest : entry.sig;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      return void res.end(body);
    }
    const b = /^\/blobs\/([0-9a-f]{64})$/.exec(url.pathname);
    if (!b) return void res.writeHead(404).end();
    const sha = b[1]!;
    let bytes = blobs.get(sha);
    if (!bytes) return void res.writeHead(404).end();
    const flip = tampered.get(sha);
    if (flip !== undefined) {
      bytes = Buffer.from(bytes);
      bytes[flip] = bytes[flip]! ^ 0xff;
    }
    const range = req.headers.range ?? null;
    const ifRange = (req.headers['if-range'] as string | undefined) ?? null;
    blobRequests.push({ sha256: sha, range, ifRange });
    const etag = `"${sha}"`;
    const headers: Record<string, string | number> = { ETag: etag, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream', 'Cache-Control': 'public, max-age=31536000, immutable' };
    let start = 0;
    let end = bytes.length - 1;
    let status = 200;
    const r = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    if (r && (ifRange === null || ifRange === etag)) {
      start = Number(r[1]);
      if (r[2]) end = Math.min(end, Number(r[2]));
      if (start >= bytes.length) {
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${bytes.length}` });
        return void res.end();
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${bytes.length}`;
    }
    const body = bytes.subarray(start, end + 1);
    headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    if (options.link) return void sendOverLink(res, body, sha);
    const stall = stalls.get(sha)?.shift();
    if (stall !== undefined) {
      bodyBytesSent.set(sha, (bodyBytesSent.get(sha) ?? 0) + Math.min(stall, body.length));
      return void res.write(body.subarray(0, stall));
    }
    const cut = cuts.get(sha)?.shift();
    const send = cut === undefined ? body : body.subarray(0, Math.min(cut, body.length));
    bodyBytesSent.set(sha, (bodyBytesSent.get(sha) ?? 0) + send.length);
    if (cut === undefined) return void res.end(send);
    res.write(send, () => setTimeout(() => res.socket?.destroy(), 20));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    linkCuts: () => link.cuts,
    linkIdle: () => ({ ...idle }),
    token,
    bodyBytesSent,
    blobRequests,
    async publish(pack) {
      const trust = await testTrust();
      const manifest = Buffer.from(canonicalBytes(pack.manifest));
      const sig = Buffer.from(signatureFileBytes(await signManifest(manifest, trust.county.privateKeyFile, nodeEd25519)));
      manifests.set(`${pack.id}@${pack.version}`, { manifest, sig });
      for (const blob of pack.blobs) blobs.set(blob.sha256, blob.bytes);
      return { packId: pack.id, version: pack.version, manifestSha256: createHash('sha256').update(manifest).digest('hex'), totalBytes: pack.blobs.reduce((s, x) => s + x.size, 0) };
    },
    cutNext(sha256, afterBytes) {
      cuts.set(sha256, [...(cuts.get(sha256) ?? []), afterBytes]);
    },
    stallNext(sha256, afterBytes) {
      stalls.set(sha256, [...(stalls.get(sha256) ?? []), afterBytes]);
    },
    tamper(sha256, offset) {
      if (offset === null) tampered.delete(sha256);
      else tampered.set(sha256, offset);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
