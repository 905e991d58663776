/**
 * A fault-injecting TCP proxy on loopback between a device and a server (DESIGN §6.3, issue 8
 * item 5): it forwards bytes both ways and can
 *  - cut the connection carrying the n-th byte, n drawn at random after every cut (seeded PRNG: the
 *    same seed and the same traffic give the same cuts) — a link that keeps dropping, whatever
 *    connection happens to be on it, in either direction,
 *  - delay every byte by a round-trip time (half each way: 600 ms RTT = 300 ms per direction),
 *  - throttle each direction to a link rate in bit/s (serialisation delay, like a 64 kbit/s modem),
 *  - go offline (refuse and drop every connection) and come back,
 * and counts every byte both ways (HTTP headers included: it sees the raw stream), connections,
 * cuts and round trips (a turn from client-sending to server-answering on one connection, which is
 * one request/response for HTTP/1.1).
 *
 * Tools layer (Node 20): used by fault tests, the sync-chaos bench and the downloader bench.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface CutRange {
  /** Fewest bytes between two cuts. */
  min: number;
  /** Most bytes between two cuts. */
  max: number;
  /** Which bytes count towards the next cut: client→server, server→client, or both (default). */
  direction?: 'up' | 'down' | 'either';
}

export interface FaultSettings {
  /** Cut after a random number of bytes (through the proxy, counted from the previous cut or from when this was set); `null` = no cuts. A number is `{min: n, max: n}`. */
  cutAfterBytes?: number | CutRange | null;
  /** Round-trip time added: each direction delays its bytes by half of it. */
  latencyMs?: number;
  /** Link rate per direction (bit/s); 0 or absent = unthrottled. */
  bitsPerSecond?: number;
  /** Offline: new connections are dropped at once and open ones are cut. */
  offline?: boolean;
}

export interface FaultProxyOptions extends FaultSettings {
  /** Where to forward: `http://127.0.0.1:8787` or `{ host, port }`. */
  upstream: string | { host: string; port: number };
  /** PRNG seed: same seed, same cut points. */
  seed: number;
  /** Port to listen on (default 0: any free one). */
  port?: number;
}

export interface FaultProxyStats {
  /** Bytes the client sent (received by the proxy from the client side). */
  bytesUp: number;
  /** Bytes the server sent (received by the proxy from the upstream side). */
  bytesDown: number;
  /** Client connections accepted (including ones dropped while offline). */
  connections: number;
  /** Connections the proxy cut (random cuts and offline drops of open connections). */
  cuts: number;
  /** Client→server then server→client turns across all connections (HTTP/1.1: one per request). */
  roundTrips: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the client instead of the server's origin. */
  origin: string;
  port: number;
  stats(): FaultProxyStats;
  /** Change faults from now on (a new `cutAfterBytes` draws a fresh cut point). */
  setFaults(faults: FaultSettings): void;
  close(): Promise<void>;
}

/** mulberry32: tiny, fast, good enough to spread cut points; deterministic per seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function parseUpstream(upstream: FaultProxyOptions['upstream']): { host: string; port: number } {
  if (typeof upstream !== 'string') return upstream;
  const u = new URL(upstream);
  return { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
}

/** Slices no bigger than this are paced separately, so a throttled link delivers a steady trickle. */
const SLICE = 1024;

/**
 * One direction of one connection: bytes wait for the link (serialisation at `bitsPerSecond`), then
 * for the one-way delay, and are written strictly in order — one queue and one timer per lane (a
 * timer per slice could fire out of order: Node rounds sub-millisecond delays up to 1 ms).
 */
class Lane {
  private linkFreeAt = 0;
  private readonly queue: { at: number; bytes: Buffer }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private ended = false;
  private closed = false;

  constructor(
    private readonly out: Socket,
    private readonly faults: () => FaultSettings,
  ) {}

  push(chunk: Buffer): void {
    const { latencyMs = 0, bitsPerSecond = 0 } = this.faults();
    if (!latencyMs && !bitsPerSecond && this.queue.length === 0) {
      this.out.write(chunk);
      return;
    }
    for (let off = 0; off < chunk.length; off += SLICE) {
      const slice = chunk.subarray(off, off + SLICE);
      const start = Math.max(Date.now(), this.linkFreeAt);
      this.linkFreeAt = start + (bitsPerSecond ? (slice.length * 8 * 1000) / bitsPerSecond : 0);
      this.queue.push({ at: this.linkFreeAt + latencyMs / 2, bytes: slice });
    }
    this.pump();
  }

  private pump(): void {
    if (this.timer !== null || this.closed) return;
    const now = Date.now();
    while (this.queue.length > 0 && this.queue[0]!.at <= now) this.out.write(this.queue.shift()!.bytes);
    if (this.queue.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, Math.max(1, Math.ceil(this.queue[0]!.at - now)));
    } else if (this.ended) this.out.end();
  }

  /** The sender finished: end the far side once everything queued is delivered. */
  end(): void {
    this.ended = true;
    if (this.queue.length === 0 && !this.closed) this.out.end();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = parseUpstream(options.upstream);
  const random = seededRandom(options.seed);
  let faults: FaultSettings = { cutAfterBytes: options.cutAfterBytes, latencyMs: options.latencyMs, bitsPerSecond: options.bitsPerSecond, offline: options.offline };
  const stats: FaultProxyStats = { bytesUp: 0, bytesDown: 0, connections: 0, cuts: 0, roundTrips: 0 };
  /** Abort functions of open connections (`counted`: a cut, not a shutdown). */
  const open = new Set<(counted: boolean) => void>();

  /** Bytes (in the counted direction) left before the next cut, or null for no cuts. */
  let untilCut: number | null = null;
  function drawCut(): void {
    const spec = faults.cutAfterBytes;
    if (spec == null) {
      untilCut = null;
      return;
    }
    const range = typeof spec === 'number' ? { min: spec, max: spec } : spec;
    untilCut = range.min + Math.floor(random() * (range.max - range.min + 1));
  }
  drawCut();
  function counts(isUp: boolean): boolean {
    const spec = faults.cutAfterBytes;
    const direction = typeof spec === 'object' && spec ? (spec.direction ?? 'either') : 'either';
    return direction === 'either' || (direction === 'up') === isUp;
  }

  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    stats.connections++;
    if (faults.offline) {
      client.resetAndDestroy();
      return;
    }
    const target = connect({ port: upstream.port, host: upstream.host, allowHalfOpen: true });
    client.setNoDelay(true);
    target.setNoDelay(true);
    const toServer = new Lane(target, () => faults);
    const toClient = new Lane(client, () => faults);
    let lastUp = false;
    /** Nothing more is forwarded (a cut is under way or the connection is gone). */
    let stopped = false;
    let aborted = false;
    const abort = (counted: boolean) => {
      if (aborted) return;
      aborted = stopped = true;
      open.delete(abort);
      toServer.close();
      toClient.close();
      if (counted) stats.cuts++;
      client.resetAndDestroy();
      target.resetAndDestroy();
    };
    open.add(abort);

    const forward = (chunk: Buffer, isUp: boolean) => {
      if (stopped) return;
      let take = chunk;
      let cutNow = false;
      if (untilCut !== null && counts(isUp)) {
        if (chunk.length >= untilCut) {
          take = chunk.subarray(0, untilCut);
          cutNow = true;
          drawCut();
        } else untilCut -= chunk.length;
      }
      if (isUp) {
        stats.bytesUp += take.length;
        lastUp = true;
        if (take.length) toServer.push(take);
      } else {
        stats.bytesDown += take.length;
        if (lastUp && take.length) stats.roundTrips++;
        lastUp = false;
        if (take.length) toClient.push(take);
      }
      if (cutNow) {
        // The bytes before the cut still reach the far side, as on a real link that dies.
        stopped = true;
        const { latencyMs = 0, bitsPerSecond = 0 } = faults;
        const delay = latencyMs / 2 + (bitsPerSecond ? (take.length * 8 * 1000) / bitsPerSecond : 0);
        setTimeout(() => abort(true), delay + 5);
      }
    };
    client.on('data', (c: Buffer) => forward(c, true));
    target.on('data', (c: Buffer) => forward(c, false));
    // A side that finishes sending: the other side gets its FIN once the queued bytes are delivered.
    client.on('end', () => !stopped && toServer.end());
    target.on('end', () => !stopped && toClient.end());
    client.on('error', () => abort(false));
    target.on('error', () => abort(false));
    let closedSides = 0;
    const onClose = (hadError: boolean) => {
      if (hadError) abort(false);
      else if (++closedSides === 2) open.delete(abort);
    };
    client.on('close', onClose);
    target.on('close', onClose);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    stats: () => ({ ...stats }),
    setFaults(next) {
      faults = { ...faults, ...next };
      if ('cutAfterBytes' in next) drawCut();
      if (faults.offline) for (const abort of [...open]) abort(true);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const abort of [...open]) abort(false);
        server.close(() => resolve());
      }),
  };
}
