import { ESLint } from 'eslint';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { layerOf } from './layering.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Lints source text as if it lived at `file`, with the project's real eslint.config.js.
async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'local/layering').map((m) => m.message);
}

describe('local/layering (npm run lint)', () => {
  it('fails on a renderer file that imports node:fs', async () => {
    const messages = await lintAs('renderer/src/violation.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/node:fs/);
  });

  it('fails on a renderer file that imports bare "fs" or a node-only folder', async () => {
    const messages = await lintAs(
      'renderer/src/violation.ts',
      "import fs from 'fs';\nimport { x } from '../../content-packs/store/store';\nexport const y = [fs, x];\n",
    );
    expect(messages).toHaveLength(2);
  });

  it('fails on a common/ file that imports electron', async () => {
    const messages = await lintAs('common/violation.ts', "import { app } from 'electron';\nexport const a = app;\n");
    expect(messages).toEqual([expect.stringMatching(/Only electron\/main and electron\/preload/)]);
  });

  it('fails on a common/ file that imports another layer', async () => {
    const messages = await lintAs('common/violation.ts', "import { x } from '../renderer/src/x';\nexport const a = x;\n");
    expect(messages[0]).toMatch(/may not import layer 'browser'/);
  });

  it('fails on host (node) code that imports electron, and on preload importing node builtins', async () => {
    expect(await lintAs('electron/host/violation.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await lintAs('electron/preload/violation.ts', "import { readFile } from 'fs';\nexport const a = readFile;\n")).toHaveLength(1);
  });

  it('allows what each layer may use', async () => {
    expect(await lintAs('electron/main/ok.ts', "import { app } from 'electron';\nimport { join } from 'node:path';\nimport { x } from '../host/x';\nexport const a = [app, join, x];\n")).toEqual([]);
    expect(await lintAs('renderer/src/ok.ts', "import { x } from '../../common/bridge/contract';\nexport const a = x;\n")).toEqual([]);
    expect(await lintAs('content-packs/store/ok.ts', "import { readFile } from 'node:fs/promises';\nimport { x } from '../format/x';\nexport const a = [readFile, x];\n")).toEqual([]);
  });

  it('fails on browser code that uses an API newer than Chrome 108 (Electron 22 floor)', async () => {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText('export const a = [3, 1].toSorted();\n', { filePath: join(root, 'renderer/src/violation.ts') });
    expect(result?.messages.map((m) => m.ruleId)).toContain('compat/compat');
  });

  it('maps folders to layers', () => {
    expect(layerOf('content-packs/format/manifest.ts')).toBe('common');
    expect(layerOf('content-packs/store/store.ts')).toBe('node');
    expect(layerOf('electron/main/main.ts')).toBe('main');
    expect(layerOf('renderer/src/App.tsx')).toBe('browser');
    expect(layerOf('renderer/src/App.test.tsx')).toBe('tools');
  });
});
