// End-to-end: the real `tpk` entry (content-packs/cli/main.ts through tsx) as child processes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LESSON1, makeTinySource } from '../../tests/fixtures/tiny-source';
import { issueRevocationList, parsePrivateKeyFile } from '../format/trust';

const MAIN = resolve(__dirname, 'main.ts');
const ROOT = resolve(__dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

function tpk(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp-cli-'));
  makeTinySource(join(dir, 'src-v1'));
  makeTinySource(join(dir, 'src-v2'), { version: 2, extraImage: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tpk CLI end to end', () => {
  it('keygen → certify → build → verify → inspect → diff', async () => {
    const env = { cwd: dir };
    const k1 = await tpk(['keygen', '--out', 'keys', '--name', 'root'], env.cwd);
    expect(k1.code, k1.stderr).toBe(0);
    const k2 = await tpk(['keygen', '--out', 'keys', '--name', 'county'], env.cwd);
    expect(k2.code).toBe(0);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'keys/county.key')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'keys/county.pub'), 'utf8'))).toMatchObject({ type: 'teachpoint-public-key/1', name: 'county' });
    // refuses to overwrite a key
    expect((await tpk(['keygen', '--out', 'keys', '--name', 'county'], env.cwd)).code).toBe(1);

    const c = await tpk(['certify', '--root', 'keys/root.key', '--pub', 'keys/county.pub', '--out', 'keys/county.cert', '--expires', '2099-12-31'], env.cwd);
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'keys/county.cert'), 'utf8'))).toMatchObject({ type: 'teachpoint-cert/1', notAfter: '2099-12-31T23:59:59.000Z' });

    const b1 = await tpk(['build', 'src-v1', '--key', 'keys/county.key', '--cert', 'keys/county.cert', '--out', 'v1.tpk', '--cache', 'cache'], env.cwd);
    expect(b1.code, b1.stderr).toBe(0);
    expect(b1.stdout).toContain('cn.example.test-math v1');
    expect(b1.stderr).toMatch(/媒体处理 \/ media/); // plain progress lines when stderr is not a TTY
    const b2 = await tpk(['build', 'src-v2', '--key', 'keys/county.key', '--cert', 'keys/county.cert', '--out', 'v2.tpk', '--cache', 'cache', '--profile', '480p'], env.cwd);
    expect(b2.code, b2.stderr).toBe(0);
    expect(b2.stdout).toMatch(/cache hits 4/); // only the new picture was processed

    const ok = await tpk(['verify', 'v1.tpk', '--trust', 'keys/root.pub'], env.cwd);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Pack is valid');
    const wrongRoot = await tpk(['verify', 'v1.tpk', '--trust', 'keys/county.pub', '--json'], env.cwd);
    expect(wrongRoot.code).toBe(1);
    expect(JSON.parse(wrongRoot.stdout).problems.map((p: { code: string }) => p.code)).toContain('pack.unknown-key');

    // revoked county key
    const root = parsePrivateKeyFile(readFileSync(join(dir, 'keys/root.key')));
    const county = JSON.parse(readFileSync(join(dir, 'keys/county.pub'), 'utf8')) as { keyId: string };
    writeFileSync(join(dir, 'revoked.json'), JSON.stringify(await issueRevocationList({ issuer: root, revokedKeyIds: [county.keyId] })));
    const revoked = await tpk(['verify', 'v1.tpk', '--trust', 'keys/root.pub', '--revocations', 'revoked.json'], env.cwd);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('pack.key-revoked');

    // one flipped byte in the middle of the file (inside a blob) → named problem, exit 1
    const bytes = readFileSync(join(dir, 'v1.tpk'));
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = bytes[mid]! ^ 0xff;
    writeFileSync(join(dir, 'tampered.tpk'), bytes);
    const bad = await tpk(['verify', 'tampered.tpk', '--trust', 'keys/root.pub'], env.cwd);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/pack\.(blob-hash-mismatch|zip-corrupt|bad-signature|manifest)/);

    const ins = await tpk(['inspect', 'v1.tpk', '--json'], env.cwd);
    expect(ins.code, ins.stderr).toBe(0);
    const summary = JSON.parse(ins.stdout);
    expect(summary).toMatchObject({ id: 'cn.example.test-math', version: 1, lessons: 2, signer: { name: 'county' }, resources: { video: { count: 2 }, audio: { count: 1 }, pdf: { count: 1 }, image: { count: 1 }, 'exercise-set': { count: 2 } }, exercises: { items: 3 } });
    expect(summary.tree[0]).toMatchObject({ depth: 0, level: 'stage', title: '小学' });
    const human = await tpk(['inspect', 'v1.tpk'], env.cwd);
    expect(human.stdout).toContain('1 数一数');

    const d = await tpk(['diff', 'v1.tpk', 'v2.tpk', '--json'], env.cwd);
    expect(d.code, d.stderr).toBe(0);
    const diff = JSON.parse(d.stdout);
    expect(diff).toMatchObject({ samePack: true, versionIncreases: true, blobs: { removed: [] } });
    expect(diff.blobs.added).toHaveLength(1);
    expect(diff.blobs.added[0].mime).toBe('image/png');
    expect(diff.transferBytes).toBe(diff.blobs.added[0].size);
    expect(diff.resources.added).toHaveLength(1);
  });

  it('build with bad input: exit 1, every problem listed with its location, no file left', async () => {
    const src = join(dir, 'bad-src');
    makeTinySource(src);
    writeFileSync(join(src, LESSON1, '04 练习.csv'), '题型,题目,选项,答案\n单选,1+1=?,A. 1|B. 2,C\n');
    writeFileSync(join(src, LESSON1, '05 坏.avi'), 'garbage');
    const k = await tpk(['keygen', '--out', 'k2', '--name', 'r'], dir);
    expect(k.code).toBe(0);
    await tpk(['keygen', '--out', 'k2', '--name', 'c'], dir);
    await tpk(['certify', '--root', 'k2/r.key', '--pub', 'k2/c.pub', '--out', 'k2/c.cert'], dir);
    const r = await tpk(['build', 'bad-src', '--key', 'k2/c.key', '--cert', 'k2/c.cert', '--out', 'bad.tpk', '--no-cache'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${LESSON1}/04 练习.csv:2:4 [答案] build.bad-answer`);
    expect(r.stderr).toContain(`${LESSON1}/05 坏.avi media.unreadable`);
    expect(readdirSync(dir).filter((f) => f.startsWith('bad.tpk'))).toEqual([]);
  });

  it('usage errors exit 2 with help; unknown files exit 1 with a bilingual message', async () => {
    const u = await tpk(['build', '--key', 'x'], ROOT);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('--cert');
    expect((await tpk(['frobnicate'], ROOT)).code).toBe(2);
    const h = await tpk(['--help'], ROOT);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('keygen');
    const missing = await tpk(['inspect', join(dir, 'nope.tpk')], ROOT);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/无法打开资源包.*\/.*Cannot open the pack/);
    expect(existsSync(join(dir, 'nope.tpk'))).toBe(false);
  });
});
