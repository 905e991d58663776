import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolTestRoot, testTrust, writeTestPack } from '../../import/test-helpers';
import { formatTrustFile } from '../../format/trust';
import { defaultDataDir } from '../data-dir';
import { captureIo } from '../../cli/capture-io';
import { runCli } from './cli';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tp-cli-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** Output as lines (stdout, stderr), as a script reading the command's output sees them. */
async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const c = captureIo(tmp);
  const code = await runCli(argv, c.io);
  const lines = (text: string) => text.split('\n').filter((l) => l !== '');
  return { code, out: lines(c.out()), err: lines(c.err()) };
}

describe('teachpoint CLI', () => {
  it('import (with --trust) → list --json → export → remove; exit codes', async () => {
    const data = join(tmp, 'data');
    const pack = await writeTestPack(join(tmp, 'stick'), { blobs: [{ seed: 'a', size: 100_000 }, { seed: 'b', size: 200_000 }] });
    // without a trusted root: refused, exit 1, bilingual message with the code
    const refused = await run('packs', 'import', pack.path, '--data', data, '--reserve-mb', '0');
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toMatch(/import\.untrusted.*发布者证书.*publisher certificate/s);
    // --trust <root.pub>
    const rootPub = join(tmp, 'root.pub');
    fs.writeFileSync(rootPub, formatTrustFile((await testTrust()).root.publicKeyFile));
    const ok = await run('packs', 'import', join(tmp, 'stick'), '--data', data, '--trust', rootPub, '--reserve-mb', '0', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out[0]!)).toMatchObject({ id: pack.id, version: 1, blobsCopied: 2 });
    expect(ok.err.some((l) => l.includes('%') && l.includes('第'))).toBe(true); // non-TTY progress lines
    const list = await run('packs', 'list', '--data', data, '--json');
    expect(JSON.parse(list.out.join('\n'))).toEqual([expect.objectContaining({ id: pack.id, version: 1, resourceCount: 2 })]);
    const exp = await run('packs', 'export', pack.id, '--to', join(tmp, 'out'), '--data', data, '--trust', rootPub);
    expect(exp.code).toBe(0);
    expect(fs.existsSync(join(tmp, 'out', `${pack.id}-v1.tpk`))).toBe(true);
    expect((await run('store', 'scrub', '--data', data)).code).toBe(0);
    const rm = await run('packs', 'remove', pack.id, '--data', data);
    expect(rm.code).toBe(0);
    expect(rm.out[0]).toContain('freed 300000 B');
    expect((await run('packs', 'remove', pack.id, '--data', data)).code).toBe(1);
  });

  it('store scrub exits ≠ 0 and quarantines a bad blob', async () => {
    const data = join(tmp, 'data');
    await enrolTestRoot(data);
    const pack = await writeTestPack(join(tmp, 'stick'), { blobs: [{ seed: 'x', size: 50_000 }] });
    expect((await run('packs', 'import', pack.path, '--data', data, '--reserve-mb', '0')).code).toBe(0);
    const sha = pack.blobs[0]!.sha256;
    const p = join(data, 'content', sha.slice(0, 2), sha.slice(2, 4), sha);
    fs.appendFileSync(p, 'rot');
    const r = await run('store', 'scrub', '--data', data);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain(sha);
    expect(fs.readdirSync(join(data, 'quarantine'))).toHaveLength(1);
  });

  it('usage errors exit 2; unknown commands list the commands', async () => {
    expect((await run('packs', 'import')).code).toBe(2);
    expect((await run('packs', 'export', 'x')).code).toBe(2);
    expect((await run('packs', 'list', '--bogus')).code).toBe(2);
    const u = await run('frobnicate');
    expect(u.code).toBe(2);
    expect(u.err.join('\n')).toContain('teachpoint <command>');
    expect(u.err.join('\n')).toContain('packs import');
  });

  it('default data dir per platform, TEACHPOINT_DATA overrides', () => {
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\t\\AppData\\Roaming' }, 'win32', 'C:\\Users\\t')).toMatch(/Roaming[\\/]TeachPoint$/);
    expect(defaultDataDir({}, 'linux', '/home/t')).toBe('/home/t/.config/TeachPoint');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/t')).toBe('/x/TeachPoint');
    expect(defaultDataDir({ TEACHPOINT_DATA: '/d' }, 'win32', 'C:\\')).toBe('/d');
  });
});
