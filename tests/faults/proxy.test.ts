/**
 * The fault proxy's knobs each bite: exact byte counts both ways, round trips per HTTP request,
 * cuts at the drawn byte in the drawn direction (and the same cuts for the same seed), offline and
 * back, and latency/throttling that delay delivery. Delay checks are lower bounds only (a loaded
 * machine can only make them slower), never upper bounds.
 */
import { createServer as createHttpServer, request, Agent, type Server as HttpServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, seededRandom, type FaultProxy } from './proxy';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function listen(server: Server | HttpServer): Promise<number> {
  cleanups.push(() => new Promise((r) => server.close(() => r())));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

async function proxyTo(port: number, options: Partial<Parameters<typeof startFaultProxy>[0]> = {}): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ upstream: `http://127.0.0.1:${port}`, seed: 1, ...options });
  cleanups.push(() => proxy.close());
  return proxy;
}

/** A TCP server that records what each connection received and optionally echoes it. */
async function tcpUpstream(echo: boolean): Promise<{ port: number; received: number[] }> {
  const received: number[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    const i = received.push(0) - 1;
    s.on('data', (d: Buffer) => {
      received[i]! += d.length;
      if (echo) s.write(d);
    });
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
  });
  return { port: await listen(server), received };
}

/** Sends `bytes` through the proxy, collects what comes back until the connection ends. */
function exchange(port: number, bytes: number, waitForBytes = bytes): Promise<{ got: number; error: boolean }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = 0;
    let error = false;
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= waitForBytes) s.end();
    });
    s.on('error', () => (error = true));
    s.on('close', () => resolve({ got, error }));
    s.write(Buffer.alloc(bytes, 7));
    if (waitForBytes === 0) s.end();
  });
}

async function httpUpstream(body = 'hello'): Promise<number> {
  return listen(createHttpServer((req, res) => req.resume().on('end', () => res.end(body))));
}

function get(origin: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    request(`${origin}/x`, { agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
}

describe('fault proxy', () => {
  it('forwards and counts every byte both ways, connections and round trips', async () => {
    const up = await tcpUpstream(true);
    const proxy = await proxyTo(up.port);
    const r = await exchange(proxy.port, 10_000);
    expect(r).toEqual({ got: 10_000, error: false });
    expect(proxy.stats()).toMatchObject({ bytesUp: 10_000, bytesDown: 10_000, connections: 1, cuts: 0 });

    // HTTP/1.1 keep-alive: three requests on one connection are three round trips.
    const proxied = await proxyTo(await httpUpstream('answer'));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    for (let i = 0; i < 3; i++) expect(await get(proxied.origin, agent)).toBe('answer');
    const s = proxied.stats();
    expect(s).toMatchObject({ connections: 1, roundTrips: 3, cuts: 0 });
    expect(s.bytesDown).toBeGreaterThan(3 * 'answer'.length); // headers are on the wire too
  });

  it('cuts client→server traffic at the drawn byte', async () => {
    const up = await tcpUpstream(false);
    const proxy = await proxyTo(up.port, { cutAfterBytes: { min: 1000, max: 1000, direction: 'up' } });
    const r = await exchange(proxy.port, 5000, 1);
    expect(r.got).toBe(0);
    expect(r.error).toBe(true); // the client sees the connection die (RST), not a clean end
    await new Promise((res) => setTimeout(res, 50));
    expect(up.received).toEqual([1000]);
    expect(proxy.stats()).toMatchObject({ bytesUp: 1000, cuts: 1 });
  });

  it('cuts server→client traffic at the drawn byte', async () => {
    const up = await tcpUpstream(true);
    const proxy = await proxyTo(up.port, { cutAfterBytes: { min: 2500, max: 2500, direction: 'down' } });
    const r = await exchange(proxy.port, 5000);
    expect(r.got).toBe(2500);
    expect(proxy.stats()).toMatchObject({ bytesDown: 2500, cuts: 1 });
  });

  it('draws the same cuts for the same seed and others for another seed, across connections', async () => {
    const run = async (seed: number) => {
      const up = await tcpUpstream(false);
      const proxy = await proxyTo(up.port, { seed, cutAfterBytes: { min: 100, max: 8000, direction: 'up' } });
      for (let i = 0; i < 16; i++) await exchange(proxy.port, 5000, 0);
      await new Promise((res) => setTimeout(res, 50));
      return { received: [...up.received], cuts: proxy.stats().cuts };
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(7);
    expect(a).toEqual(b);
    expect(c.received).not.toEqual(a.received);
    // The cut point carries over connections: some are cut (fewer than 5000 bytes arrived), some run clean.
    expect(a.received.filter((n) => n < 5000).length).toBe(a.cuts);
    expect(a.cuts).toBeGreaterThan(0);
    expect(a.cuts).toBeLessThan(16);
    // Between two cuts at most `max` bytes pass.
    let sinceCut = 0;
    for (const n of a.received) {
      sinceCut += n;
      if (n < 5000) {
        expect(sinceCut).toBeGreaterThanOrEqual(100);
        expect(sinceCut).toBeLessThanOrEqual(8000);
        sinceCut = 0;
      }
    }
  });

  it('goes offline (drops new and open connections) and comes back', async () => {
    const proxy = await proxyTo(await httpUpstream('ok'));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    expect(await get(proxy.origin, agent)).toBe('ok');
    proxy.setFaults({ offline: true });
    await expect(get(proxy.origin, agent)).rejects.toThrow();
    expect(proxy.stats().cuts).toBe(1); // the kept-alive connection was cut
    proxy.setFaults({ offline: false });
    expect(await get(proxy.origin, agent)).toBe('ok');
  });

  it('adds the round-trip time and throttles to the link rate (lower bounds)', async () => {
    const proxy = await proxyTo(await httpUpstream('x'), { latencyMs: 600 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    await get(proxy.origin, agent); // connection set up
    let t0 = performance.now();
    await get(proxy.origin, agent);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(595);

    // 16 KiB at 64 kbit/s: at least 2.048 s of serialisation (the echo overlaps the upload).
    const up = await tcpUpstream(true);
    const slow = await proxyTo(up.port, { bitsPerSecond: 64_000 });
    t0 = performance.now();
    const r = await exchange(slow.port, 16 * 1024);
    expect(r.got).toBe(16 * 1024);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2048 - 20);
  });

  it('delivers every byte in order through a throttled, delayed link (many sub-millisecond slices)', async () => {
    const up = await tcpUpstream(true);
    const proxy = await proxyTo(up.port, { bitsPerSecond: 40_000_000, latencyMs: 20 });
    const sent = randomBytes(400_000);
    const got = await new Promise<Buffer>((resolve, reject) => {
      const s = connect(proxy.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      let n = 0;
      s.on('data', (d: Buffer) => {
        chunks.push(d);
        n += d.length;
        if (n >= sent.length) s.end();
      });
      s.on('error', reject);
      s.on('close', () => resolve(Buffer.concat(chunks)));
      // Many small writes: each becomes slices a fraction of a millisecond apart on the link.
      for (let off = 0; off < sent.length; off += 3000) s.write(sent.subarray(off, off + 3000));
    });
    expect(got.length).toBe(sent.length);
    expect(got.equals(sent)).toBe(true);
  });

  it('seededRandom is deterministic and spread over [0, 1)', () => {
    const a = seededRandom(3);
    const b = seededRandom(3);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.filter((x) => x < 0.5).length).toBeGreaterThan(400);
  });
});
