import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestTrust, type TestTrust } from '../format/testing';
import { verifyPackFile } from '../node/verify';
import { LESSON2 } from '../../tests/fixtures/tiny-source';
import { buildPack } from './build';

// Single-file HTML courseware (issue 7 item 7): a lone .html/.htm in a lesson folder is html5 courseware
// whose blob is the document itself (text/html, no entry); the host serves it as the frame's index.html.
let dir: string;
let trust: TestTrust;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-build-html-'));
  trust = await makeTestTrust();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tpk build with single-file HTML courseware', () => {
  it('packs a .html and a .htm file as html5 resources with mime text/html, byte for byte', async () => {
    const src = join(dir, 'src');
    const lesson = join(src, LESSON2);
    mkdirSync(lesson, { recursive: true });
    const page = Buffer.from('<!doctype html><meta charset="utf-8"><title>比多少</title><script>document.title = "ok";</script>');
    const game = Buffer.from('<!DOCTYPE HTML><html><body>小游戏</body></html>');
    writeFileSync(join(lesson, '1 比多少.html'), page);
    writeFileSync(join(lesson, '2 小游戏.HTM'), game);
    const out = join(dir, 'html.tpk');
    const r = await buildPack({ srcDir: src, out, key: trust.county.privateKeyFile, cert: trust.cert, cacheDir: null });
    const v = await verifyPackFile(out, { trustedRoots: [trust.root.publicKeyFile] });
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const resources = r.manifest.resources.map((x) => ('blob' in x ? { kind: x.kind, mime: x.blob.mime, sha256: x.blob.sha256, entry: 'entry' in x ? x.entry : undefined } : { kind: x.kind }));
    expect(resources).toEqual([
      { kind: 'html5', mime: 'text/html', sha256: sha(page), entry: undefined },
      { kind: 'html5', mime: 'text/html', sha256: sha(game), entry: undefined },
    ]);
  });
});
