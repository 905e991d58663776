/**
 * A TCP proxy on loopback that counts every byte each way (HTTP headers included): how the sync
 * tests and benches measure what the protocol really costs on the wire. Node only (tests, benches).
 */
import * as net from 'node:net';

export interface ByteCountingProxy {
  url: string;
  /** Bytes device → server and server → device since start (or the last reset). */
  counts(): { up: number; down: number; total: number; connections: number };
  reset(): void;
  close(): Promise<void>;
}

export async function startByteCountingProxy(target: string): Promise<ByteCountingProxy> {
  const { hostname, port } = new URL(target);
  let up = 0;
  let down = 0;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.on('data', (chunk: Buffer) => {
      up += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      down += chunk.length;
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    counts: () => ({ up, down, total: up + down, connections }),
    reset() {
      up = 0;
      down = 0;
      connections = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
