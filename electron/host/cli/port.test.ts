import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSettings } from '../settings';
import { choosePort, DEFAULT_PORT, listenOnChosenPort, PORT_ENV } from './port';

const open: net.Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A real listening socket on 127.0.0.1 (rejects with the listen error, e.g. EADDRINUSE). */
function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      s.off('error', reject);
      open.push(s);
      resolve(s);
    });
  });
}
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

describe('choosePort', () => {
  it('flag, then $TEACHPOINT_PORT, then settings.json, then the fixed default — never a random port by default', () => {
    expect(choosePort(5000, { [PORT_ENV]: '6000' }, 7000)).toEqual({ port: 5000, source: 'flag' });
    expect(choosePort(undefined, { [PORT_ENV]: '6000' }, 7000)).toEqual({ port: 6000, source: 'env' });
    expect(choosePort(undefined, { [PORT_ENV]: '' }, 7000)).toEqual({ port: 7000, source: 'settings' });
    expect(choosePort(undefined, {}, undefined)).toEqual({ port: DEFAULT_PORT, source: 'default' });
    expect(DEFAULT_PORT).toBeGreaterThan(1024);
  });

  it('refuses a malformed $TEACHPOINT_PORT', () => {
    expect(() => choosePort(undefined, { [PORT_ENV]: 'abc' }, undefined)).toThrow(/TEACHPOINT_PORT/);
    expect(() => choosePort(undefined, { [PORT_ENV]: '70000' }, undefined)).toThrow(/0\.\.65535/);
  });

  it('settings.json keeps "port" next to safeMode; nonsense is ignored', () => {
    expect(parseSettings(JSON.stringify({ safeMode: true, port: 8123 }))).toEqual({ safeMode: true, port: 8123 });
    expect(parseSettings(JSON.stringify({ port: 'x' }))).toEqual({ safeMode: false });
    expect(parseSettings(JSON.stringify({ port: 0 }))).toEqual({ safeMode: false });
    expect(parseSettings(JSON.stringify({ port: 99999 }))).toEqual({ safeMode: false });
  });
});

describe('listenOnChosenPort (real sockets)', () => {
  it('uses the chosen port when it is free', async () => {
    const probe = await listen(0);
    const port = portOf(probe);
    await new Promise((r) => probe.close(r));
    open.splice(open.indexOf(probe), 1);
    const out = await listenOnChosenPort({ port, source: 'settings' }, listen, portOf);
    expect(portOf(out.server)).toBe(port);
    expect(out.warning).toBeNull();
  });

  it('falls back to a free port with a bilingual warning when the fixed port is taken', async () => {
    const busy = portOf(await listen(0));
    const out = await listenOnChosenPort({ port: busy, source: 'default' }, listen, portOf);
    const used = portOf(out.server);
    expect(used).not.toBe(busy);
    expect(out.warning).toContain(`固定端口 ${busy} 已被占用`);
    expect(out.warning).toContain(`port ${used} is used this time`);
    expect(out.warning).toContain(PORT_ENV);
  });

  it('a port asked for with --port that is taken is an error, not a silent move', async () => {
    const busy = portOf(await listen(0));
    await expect(listenOnChosenPort({ port: busy, source: 'flag' }, listen, portOf)).rejects.toThrow(new RegExp(`端口 ${busy} 已被占用[\\s\\S]*Port ${busy} is already in use`));
  });
});
