import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCATION_FILE, moveDataDir, readFlag, resolveDataDir } from './data-location';

const work = mkdtempSync(path.join(tmpdir(), 'tp-datadir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => path.join(work, `${++n}-${name}`);

/** Every file under root with its sha256 (relative paths). */
function snapshot(root: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? path.join(rel, e.name) : e.name;
      if (skip(child)) continue;
      if (e.isDirectory()) walk(child);
      else out[child] = createHash('sha256').update(readFileSync(path.join(root, child))).digest('hex');
    }
  };
  walk('');
  return out;
}

function fakeDataDir(dir: string): void {
  const files: Record<string, string | Buffer> = {
    'settings.json': '{"safeMode":false}',
    'packs.json': '{"packs":[{"id":"math-3"}]}',
    'content/ab/cd/abcd1234': Buffer.alloc(3 * 1024 * 1024, 7),
    'profile/IndexedDB/app_teachpoint_0.indexeddb.leveldb/000003.log': Buffer.from('learner records'),
    'profile/IndexedDB/app_teachpoint_0.indexeddb.leveldb/CURRENT': 'MANIFEST-000001\n',
    'logs/main.log': '启动\n',
  };
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), data);
  }
}

describe('resolveDataDir: flag, env, portable, setting, default', () => {
  const home = '/home/teacher';
  it('follows the documented order', () => {
    expect(resolveDataDir({ argv: ['app'], env: {}, platform: 'linux', home })).toMatchObject({ dataDir: '/home/teacher/.config/TeachPoint', source: 'default' });
    expect(resolveDataDir({ argv: ['app'], env: { PORTABLE_EXECUTABLE_DIR: '/media/stick' }, platform: 'linux', home })).toMatchObject({ dataDir: '/media/stick/TeachPoint-data', source: 'portable' });
    expect(resolveDataDir({ argv: ['app'], env: { TEACHPOINT_DATA: '/srv/tp', PORTABLE_EXECUTABLE_DIR: '/media/stick' }, platform: 'linux', home })).toMatchObject({ dataDir: '/srv/tp', source: 'env' });
    expect(resolveDataDir({ argv: ['app', '--data-dir=/data/教学点'], env: { TEACHPOINT_DATA: '/srv/tp' }, platform: 'linux', home })).toMatchObject({ dataDir: '/data/教学点', source: 'flag' });
    expect(readFlag(['x', '--data-dir='], '--data-dir')).toBeNull();
  });

  it('reads the setting written by a move, and ignores a broken one', () => {
    const xdg = fresh('xdg');
    const defaultDir = path.join(xdg, 'TeachPoint');
    mkdirSync(defaultDir, { recursive: true });
    writeFileSync(path.join(defaultDir, LOCATION_FILE), JSON.stringify({ dataDir: '/mnt/d/TeachPoint' }));
    expect(resolveDataDir({ argv: [], env: { XDG_CONFIG_HOME: xdg }, platform: 'linux', home })).toMatchObject({ dataDir: '/mnt/d/TeachPoint', source: 'setting', defaultDir });
    writeFileSync(path.join(defaultDir, LOCATION_FILE), '{"dataDir": "relative/path"');
    expect(resolveDataDir({ argv: [], env: { XDG_CONFIG_HOME: xdg }, platform: 'linux', home })).toMatchObject({ dataDir: defaultDir, source: 'default' });
  });
});

describe('moveDataDir', () => {
  it('moves every file (content, packs, settings, IndexedDB profile) byte for byte, then points the setting at it', async () => {
    const from = fresh('default');
    fakeDataDir(from);
    const before = snapshot(from);
    const to = path.join(fresh('d-drive'), 'TeachPoint');
    const progress: number[] = [];
    const result = await moveDataDir(from, to, { defaultDir: from, onProgress: (done) => progress.push(done) });
    expect(result.files).toBe(Object.keys(before).length);
    expect(snapshot(to)).toEqual(before);
    expect(progress.at(-1)).toBe(Object.keys(before).length);
    // The default directory keeps only the setting; the app now resolves to the new place.
    expect(readdirSync(from)).toEqual([LOCATION_FILE]);
    expect(JSON.parse(readFileSync(path.join(from, LOCATION_FILE), 'utf8'))).toEqual({ dataDir: to });
    // Moving again (from the moved place to a third one) keeps the setting in the default directory.
    const third = fresh('e-drive');
    await moveDataDir(to, third, { defaultDir: from });
    expect(snapshot(third)).toEqual(before);
    expect(existsSync(to)).toBe(false);
    expect(JSON.parse(readFileSync(path.join(from, LOCATION_FILE), 'utf8'))).toEqual({ dataDir: third });
  });

  it('a failure half-way loses nothing: source and setting untouched, partial copy removed', async () => {
    const from = fresh('default');
    fakeDataDir(from);
    const before = snapshot(from);
    const to = fresh('target');
    let copies = 0;
    const failing = async (a: string, b: string) => {
      if (++copies === 4) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      writeFileSync(b, readFileSync(a));
    };
    await expect(moveDataDir(from, to, { defaultDir: from, copyFile: failing })).rejects.toMatchObject({ code: 'data.move-disk-full' });
    expect(snapshot(from)).toEqual(before);
    expect(existsSync(path.join(from, LOCATION_FILE))).toBe(false);
    expect(existsSync(to)).toBe(false);
  });

  it('a copy that differs from its source is caught before anything is removed', async () => {
    const from = fresh('default');
    fakeDataDir(from);
    const before = snapshot(from);
    const corrupt = async (a: string, b: string) => {
      const data = readFileSync(a);
      if (a.endsWith('000003.log')) data[0] = (data[0] ?? 0) ^ 0xff;
      writeFileSync(b, data);
    };
    await expect(moveDataDir(from, fresh('t'), { defaultDir: from, copyFile: corrupt })).rejects.toMatchObject({ code: 'data.move-failed' });
    expect(snapshot(from)).toEqual(before);
  });

  it('refuses a non-empty target, a nested target and the install directory', async () => {
    const from = fresh('default');
    fakeDataDir(from);
    const busy = fresh('busy');
    mkdirSync(busy);
    writeFileSync(path.join(busy, 'x'), 'x');
    await expect(moveDataDir(from, busy, { defaultDir: from })).rejects.toMatchObject({ code: 'data.move-target-not-empty' });
    await expect(moveDataDir(from, path.join(from, 'sub'), { defaultDir: from })).rejects.toMatchObject({ code: 'data.move-nested' });
    const install = fresh('Programs');
    await expect(moveDataDir(from, path.join(install, 'data'), { defaultDir: from, forbiddenRoots: [install] })).rejects.toMatchObject({ code: 'data.move-into-install-dir' });
    expect(statSync(path.join(from, 'settings.json')).isFile()).toBe(true);
  });

  it('a real Chromium profile keeps its IndexedDB records after the move', async () => {
    const server = http.createServer((_req, res) => res.end('<!doctype html><title>tp</title>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const open = async (profile: string) => {
      const context = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(origin);
      return { context, page };
    };
    try {
      const from = fresh('default');
      const first = await open(path.join(from, 'profile'));
      await first.page.evaluate(
        () =>
          new Promise<void>((resolve, reject) => {
            const req = indexedDB.open('teachpoint', 1);
            req.onupgradeneeded = () => req.result.createObjectStore('events', { keyPath: 'id' });
            req.onsuccess = () => {
              const tx = req.result.transaction('events', 'readwrite', { durability: 'strict' });
              for (let i = 0; i < 200; i++) tx.objectStore('events').put({ id: `e${i}`, learner: '小明', stars: i % 4 });
              tx.oncomplete = () => (req.result.close(), resolve());
              tx.onerror = () => reject(tx.error);
            };
            req.onerror = () => reject(req.error);
          }),
      );
      await first.context.close();
      const to = fresh('moved');
      await moveDataDir(from, to, { defaultDir: from });
      const second = await open(path.join(to, 'profile'));
      const rows = await second.page.evaluate(
        () =>
          new Promise<Array<{ id: string; learner: string }>>((resolve, reject) => {
            const req = indexedDB.open('teachpoint', 1);
            req.onsuccess = () => {
              const all = req.result.transaction('events').objectStore('events').getAll();
              all.onsuccess = () => resolve(all.result as Array<{ id: string; learner: string }>);
              all.onerror = () => reject(all.error);
            };
            req.onerror = () => reject(req.error);
          }),
      );
      await second.context.close();
      expect(rows).toHaveLength(200);
      expect(rows.every((r) => r.learner === '小明')).toBe(true);
    } finally {
      server.close();
    }
  }, 60_000);
});
