import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLES_DRIVE_LABEL } from '../host';
import { parseServeArgs } from './serve';

const root = mkdtempSync(join(tmpdir(), 'tp-serve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('parseServeArgs', () => {
  it('defaults: TEACHPOINT_DATA, no port flag (chosen later, see port.ts), loopback, dist/renderer, env drives and trust', () => {
    const a = parseServeArgs([], { TEACHPOINT_DATA: '/d', TEACHPOINT_EXTRA_DRIVES: ['/x', '/y'].join(delimiter), TEACHPOINT_TRUST_ROOTS: '/r.pub' }, '/repo');
    expect(a).toEqual({
      data: resolve('/d'),
      port: undefined,
      host: '127.0.0.1',
      staticDir: resolve('/repo/dist/renderer'),
      extraDrives: ['/x', '/y'],
      trustedRootFiles: ['/r.pub'],
    });
  });

  it('flags override and accumulate', () => {
    const a = parseServeArgs(
      ['--data', 'rel', '--port', '8080', '--host', '0.0.0.0', '--static', '/s', '--extra-drive', '/e', '--samples', '/samples', '--trust', '/k.pub'],
      {},
      '/repo',
    );
    expect(a.data).toBe(resolve('rel'));
    expect(a.port).toBe(8080);
    expect(a.host).toBe('0.0.0.0');
    expect(a.staticDir).toBe(resolve('/s'));
    expect(a.extraDrives).toEqual(['/e', { path: '/samples', label: SAMPLES_DRIVE_LABEL }]);
    expect(a.trustedRootFiles).toEqual(['/k.pub']);
  });

  it('refuses bad input with the usage text', () => {
    expect(() => parseServeArgs(['--port', '70000'], {}, '/repo')).toThrow(/--port/);
    expect(() => parseServeArgs(['--data'], {}, '/repo')).toThrow(/needs a value/);
    expect(() => parseServeArgs(['--bogus'], {}, '/repo')).toThrow(/Unknown option --bogus[\s\S]*Usage/);
  });
});

describe('serve process', () => {
  it('listens on the port from settings.json, prints TEACHPOINT_URL, answers the bridge, and exits 0 on SIGTERM', async () => {
    const fixedPort = await freePort();
    mkdirSync(join(root, 'data'), { recursive: true });
    writeFileSync(join(root, 'data', 'settings.json'), JSON.stringify({ safeMode: false, port: fixedPort }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/cli/serve.ts', '--data', join(root, 'data'), '--static', join(root, 'none')], {
      cwd: resolve(__dirname, '..', '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TEACHPOINT_EXTRA_DRIVES: '', TEACHPOINT_SAMPLES_DIR: '', TEACHPOINT_TRUST_ROOTS: '', TEACHPOINT_PORT: '' },
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let out = '';
    const url = await new Promise<string>((res, rej) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        const m = /^TEACHPOINT_URL=(\S+)$/m.exec(out);
        if (m?.[1]) res(m[1]);
      });
      child.on('exit', (code) => rej(new Error(`exited ${code}: ${out}`)));
    });
    const { port, hostname, hash } = new URL(url);
    expect(hostname).toBe('127.0.0.1');
    expect(Number(port)).toBe(fixedPort);
    const token = hash.replace('#token=', '');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const body = await new Promise<string>((res, rej) => {
      const req = http.request(
        { host: '127.0.0.1', port: Number(port), path: '/api/bridge/app.info', method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
        (r) => {
          let text = '';
          r.on('data', (c) => (text += c));
          r.on('end', () => res(text));
        },
      );
      req.on('error', rej);
      req.end('{}');
    });
    expect(JSON.parse(body)).toMatchObject({ ok: true, value: { name: 'TeachPoint', shell: 'browser', dataDir: join(root, 'data') } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

/** A port the kernel just handed out and we released (a tiny race with other processes; fine in tests). */
function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => res(port));
    });
  });
}
