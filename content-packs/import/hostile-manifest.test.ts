/**
 * Issue 10 item 1: memory before the signature is checked. A manifest inflated to 62 MB (255k
 * extra resources, the old signature) must be refused by `tpk verify`, the importer and the stick
 * scan in bounded memory — each run here in a child process with a small V8 heap, its peak RSS
 * reported — and a 20,000-level lesson tree must be named as too deep, not crash the checker.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPackFile } from '../node/verify';
import { PackLibrary } from '../device/pack-library';
import { scanForPacks } from '../drives/scanner';
import { deepManifestBytes, enrolTestRoot, inflatedManifestBytes, repackWithManifest, seededBytes, testTrust, writeTestPack, type TestPack } from './test-helpers';

const ROOT = resolve(__dirname, '../..');
let tmp: string;
let base: TestPack;
let child: string;

/** One stick folder per file, so a scan sees only this pack. */
function repack(name: string, manifest: Uint8Array, sign: 'original' | 'fresh'): Promise<string> {
  return repackWithManifest(base, join(tmp, `stick-${name}`, name), manifest, sign);
}
const inflated = (extra: number) => inflatedManifestBytes(base, extra);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tp-hostile-'));
  base = await writeTestPack(join(tmp, 'stick'), { blobs: [{ seed: 'h1', size: 50_000 }, { seed: 'h2', size: 60_000 }] });
  child = join(tmp, 'probe.cjs');
  const contents = `
    import { verifyPackFile } from '../node/verify';
    import { PackLibrary } from '../device/pack-library';
    import { scanForPacks } from '../drives/scanner';
    import { dirname } from 'node:path';
    const [op, file, data] = process.argv.slice(2);
    (async () => {
      let outcome: unknown;
      if (op === 'verify') outcome = (await verifyPackFile(file!, { trustedRoots: [] })).problems.map((p) => p.code);
      else if (op === 'import') outcome = await new PackLibrary({ dataDir: data! }).import(file!).then(() => 'imported', (e: { code?: string }) => e.code);
      else outcome = (await scanForPacks(dirname(file!), new Map())).map((f) => [f.status, f.error]);
      process.stdout.write(JSON.stringify({ outcome, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\\n');
    })();
  `;
  await build({ stdin: { contents, resolveDir: __dirname, loader: 'ts', sourcefile: 'probe.ts' }, outfile: child, bundle: true, platform: 'node', target: 'node16', format: 'cjs', logLevel: 'error', absWorkingDir: ROOT });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function probe(op: 'verify' | 'import' | 'scan', file: string, data = join(tmp, `data-${op}`)): { outcome: unknown; maxRssMB: number } {
  const r = spawnSync(process.execPath, ['--max-old-space-size=160', child, op, file, data], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, `${op} died: ${r.stderr.slice(0, 400)}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { outcome: unknown; maxRssMB: number };
}

describe('a manifest inflated to 62 MB with the old signature', () => {
  let file: string;
  beforeAll(async () => {
    file = await repack('inflated.tpk', inflated(255_000), 'original');
    expect(fs.statSync(file).size).toBeGreaterThan(60_000_000);
    await enrolTestRoot(join(tmp, 'data-import'));
  });

  it('verify, import and scan refuse it with a small heap, peak RSS under 300 MB', () => {
    const v = probe('verify', file);
    expect(v.outcome).toContain('pack.manifest-too-large');
    const i = probe('import', file);
    expect(i.outcome).toBe('import.bad-manifest');
    const s = probe('scan', file);
    expect(s.outcome).toEqual([['unreadable', 'pack.manifest-too-large']]);
    console.log(`62 MB manifest peak RSS: verify ${v.maxRssMB} MB, import ${i.maxRssMB} MB, scan ${s.maxRssMB} MB`);
    for (const r of [v, i, s]) expect(r.maxRssMB).toBeLessThan(300);
  });
});

describe('a manifest under the size bound whose signature does not match', () => {
  it('is refused as a bad signature without being parsed (heap stays small)', async () => {
    // ~3.5 MB: under the bound, far over what is parsed for diagnostics
    const file = await repack('unsigned-3mb.tpk', inflated(13_000), 'original');
    const v = probe('verify', file);
    expect(v.outcome).toEqual(['pack.bad-signature', 'pack.unknown-key']);
    const ordinary = probe('verify', base.path);
    console.log(`3.5 MB unverified manifest: tpk verify peak RSS ${v.maxRssMB} MB (ordinary pack ${ordinary.maxRssMB} MB)`);
    expect(v.maxRssMB - ordinary.maxRssMB).toBeLessThan(40); // parsing it (as before) costs ~+90 MB
  });
});

describe('a 20,000-level lesson tree', () => {
  it('is named as too deep (signed or not), not a false "not canonical" or a stack overflow', async () => {
    const m = deepManifestBytes(base, 20_000);
    for (const sign of ['fresh', 'original'] as const) {
      const file = await repack(`deep-${sign}.tpk`, m, sign);
      const r = await verifyPackFile(file, { trustedRoots: [(await testTrust()).root.publicKeyFile] });
      const codes = r.problems.map((p) => p.code);
      expect(codes, sign).toContain('pack.manifest-too-deep');
      expect(codes, sign).not.toContain('pack.manifest-not-canonical');
      expect(JSON.stringify(r.problems), sign).not.toMatch(/call stack/i);
    }
    const file = join(tmp, 'stick-deep-fresh.tpk', 'deep-fresh.tpk');
    const data = join(tmp, 'data-deep');
    await enrolTestRoot(data);
    await expect(new PackLibrary({ dataDir: data }).import(file)).rejects.toMatchObject({ code: 'import.bad-manifest' });
    const found = await scanForPacks(join(tmp, 'stick-deep-fresh.tpk'), new Map());
    expect(found.find((f) => f.fileName === 'deep-fresh.tpk')).toMatchObject({ status: 'unreadable', error: 'pack.manifest-too-deep' });
  });

  it('an ordinary pack still verifies, imports and shows up in a scan', async () => {
    const r = await verifyPackFile(base.path, { trustedRoots: [(await testTrust()).root.publicKeyFile] });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    const found = await scanForPacks(join(tmp, 'stick'), new Map());
    expect(found.find((f) => f.path === base.path)).toMatchObject({ status: 'new', id: base.id, version: 1, title: { 'zh-CN': `测试资源包 ${base.id}` } });
    expect(seededBytes('h1', 4)).toHaveLength(4);
  });
});
