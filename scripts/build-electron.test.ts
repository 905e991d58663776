import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElectron, PRELOAD_MAX_BYTES } from './build-electron.mjs';

const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'tp-build-electron-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Electron build (scripts/build-electron.mjs)', () => {
  it('builds a slim production preload: names only, no zod, no pack format, no source maps', async () => {
    const outdir = path.join(work, 'ok');
    const sizes = await buildElectron({ outdir, production: true, log: () => {} });
    expect(sizes.preload).toBeLessThan(PRELOAD_MAX_BYTES);
    const preload = readFileSync(path.join(outdir, 'preload.cjs'), 'utf8');
    expect(preload).not.toMatch(/ZodError|zod/i);
    expect(preload).toContain('teachpoint:call');
    expect(preload).toContain('packs.importProgress');
    expect(existsSync(path.join(outdir, 'preload.cjs.map'))).toBe(false);
    expect(existsSync(path.join(outdir, 'main.cjs.map'))).toBe(false);
  });

  it('fails when the preload imports the contract (zod + pack format)', async () => {
    const entry = path.join(work, 'fat-preload.ts');
    const contract = path.join(root, 'common', 'bridge', 'contract').replaceAll('\\', '/');
    writeFileSync(entry, `import { isBridgeEventName } from '${contract}';\nexport const ok = isBridgeEventName('app.heartbeat');\n`);
    await expect(buildElectron({ outdir: path.join(work, 'fat'), production: true, preloadEntry: entry, log: () => {} })).rejects.toThrow(/zod.*the pack format|zod/);
  });

  it('fails when the preload requires anything but electron at run time', async () => {
    const entry = path.join(work, 'node-preload.ts');
    writeFileSync(entry, `import { readFileSync } from 'fs';\nexport const x = readFileSync;\n`);
    await expect(buildElectron({ outdir: path.join(work, 'node'), production: true, preloadEntry: entry, log: () => {} })).rejects.toThrow(/requires fs/);
  });
});
