import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appAssetMime, appAssetReply, resolveAppAssetPath } from './app-assets';

const root = path.resolve(mkdtempSync(path.join(tmpdir(), 'tp-assets-')));
mkdirSync(path.join(root, 'assets'));
writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>TeachPoint</title>');
writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(path.join(root, 'assets', 'empty.css'), '');
mkdirSync(path.join(root, 'assets', 'dir.v1'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolveAppAssetPath', () => {
  it('maps asset URLs under the root', () => {
    expect(resolveAppAssetPath('app://teachpoint/assets/index-abc.js', root)).toBe(path.join(root, 'assets', 'index-abc.js'));
    expect(resolveAppAssetPath('app://teachpoint/assets/index-abc.js?v=2#x', root)).toBe(path.join(root, 'assets', 'index-abc.js'));
    expect(resolveAppAssetPath('app://teachpoint/fonts/%E6%A5%B7%E4%BD%93.woff2', root)).toBe(path.join(root, 'fonts', '楷体.woff2'));
  });

  it('serves index.html for the root and for client routes (no extension)', () => {
    const index = path.join(root, 'index.html');
    expect(resolveAppAssetPath('app://teachpoint/', root)).toBe(index);
    expect(resolveAppAssetPath('app://teachpoint', root)).toBe(index);
    expect(resolveAppAssetPath('app://teachpoint/library/grade-3/unit-2', root)).toBe(index);
    expect(resolveAppAssetPath('app://teachpoint/teacher?tab=class', root)).toBe(index);
  });

  it.each([
    'app://teachpoint/..%2f..%2fetc/passwd',
    'app://teachpoint/assets/..%2F..%2Fsecret.txt',
    'app://teachpoint/..%5c..%5cwindows%5cwin.ini',
    'app://teachpoint/assets%5c..%5c..%5cx.js',
    'app://teachpoint/a\\..\\..\\x.js',
    'app://teachpoint/C:/Windows/win.ini',
    'app://teachpoint/C%3A%5CWindows%5Cwin.ini',
    'app://teachpoint/index.html::$DATA',
    'app://teachpoint/index.html%00.png',
    'app://teachpoint/%E0%A4%A.js',
    'app://other/index.html',
    'app://teachpoint:1/index.html',
    'file:///etc/passwd',
    'http://teachpoint/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppAssetPath(url, root)).toBeNull();
  });

  it('keeps absolute-looking paths and dot segments inside the root', () => {
    // `//etc/passwd.txt` is just empty segments: it can only ever name root/etc/passwd.txt.
    expect(resolveAppAssetPath('app://teachpoint//etc/passwd.txt', root)).toBe(path.join(root, 'etc', 'passwd.txt'));
    // Literal dot segments are folded by the URL parser before we see them, never above the root.
    expect(resolveAppAssetPath('app://teachpoint/../../etc/passwd.txt', root)).toBe(path.join(root, 'etc', 'passwd.txt'));
    // So are percent-encoded dot segments (the URL standard treats %2e%2e as ..).
    expect(resolveAppAssetPath('app://teachpoint/%2e%2e/%2e%2e/etc/passwd.txt', root)).toBe(path.join(root, 'etc', 'passwd.txt'));
    expect(resolveAppAssetPath('app://teachpoint/assets/%2E%2E/%2E%2E/x.js', root)).toBe(path.join(root, 'x.js'));
  });
});

describe('appAssetMime', () => {
  it('knows the types a Vite build emits', () => {
    expect(appAssetMime('a/index.html')).toMatch(/^text\/html/);
    expect(appAssetMime('a/x.JS')).toMatch(/^text\/javascript/);
    expect(appAssetMime('a/x.woff2')).toBe('font/woff2');
    expect(appAssetMime('a/x.unknown')).toBe('application/octet-stream');
  });
});

describe('appAssetReply', () => {
  const csp = "default-src 'self'";

  it('serves a file with type, length and the CSP', async () => {
    const reply = await appAssetReply('app://teachpoint/assets/index-abc.js', 'GET', root, csp);
    expect(reply.status).toBe(200);
    expect(reply.headers['Content-Type']).toMatch(/^text\/javascript/);
    expect(reply.headers['Content-Length']).toBe('14');
    expect(reply.headers['Content-Security-Policy']).toBe(csp);
    expect(reply.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(reply.body).toEqual({ kind: 'file', path: path.join(root, 'assets', 'index-abc.js'), start: 0, end: 13 });
  });

  it('falls back to index.html for a client route', async () => {
    const reply = await appAssetReply('app://teachpoint/player/lesson-1', 'GET', root, csp);
    expect(reply.status).toBe(200);
    expect(reply.headers['Content-Type']).toMatch(/^text\/html/);
    expect(reply.body).toMatchObject({ kind: 'file', path: path.join(root, 'index.html') });
  });

  it('answers 404 for a missing asset, a directory and a refused path — with the CSP still set', async () => {
    for (const url of ['app://teachpoint/assets/missing.js', 'app://teachpoint/assets/dir.v1', 'app://teachpoint/..%2fsecret.txt']) {
      const reply = await appAssetReply(url, 'GET', root, csp);
      expect(reply.status, url).toBe(404);
      expect(reply.headers['Content-Security-Policy']).toBe(csp);
    }
  });

  it('sends no body for HEAD or an empty file, and refuses other methods', async () => {
    expect((await appAssetReply('app://teachpoint/assets/index-abc.js', 'HEAD', root, csp)).body).toBeNull();
    expect((await appAssetReply('app://teachpoint/assets/empty.css', 'GET', root, csp)).body).toBeNull();
    const post = await appAssetReply('app://teachpoint/index.html', 'POST', root, csp);
    expect(post.status).toBe(405);
    expect(post.headers.Allow).toBe('GET, HEAD');
  });
});
