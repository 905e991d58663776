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

  it('keeps the cloud (server layer) out of every device layer', async () => {
    for (const file of ['electron/host/violation.ts', 'electron/main/violation.ts', 'content-packs/store/violation.ts', 'renderer/src/violation.ts', 'sync/client/violation.ts', 'common/violation.ts']) {
      const depth = file.split('/').length - 1;
      const up = '../'.repeat(depth);
      const messages = await lintAs(file, `import { x } from '${up}sync/server/app';\nexport const a = x;\n`);
      expect(messages, file).toEqual([expect.stringMatching(/may not import layer 'server'/)]);
    }
  });

  it('lets the cloud use common, device node code, Node builtins and its own packages — not electron or dexie', async () => {
    expect(
      await lintAs(
        'sync/server/ok.ts',
        "import Fastify from 'fastify';\nimport fp from 'fastify-plugin';\nimport cookie from '@fastify/cookie';\nimport pg from 'pg';\nimport { PGlite } from '@electric-sql/pglite';\nimport { live } from '@electric-sql/pglite/live';\nimport { S3Client } from '@aws-sdk/client-s3';\nimport { scrypt } from 'node:crypto';\nimport { z } from 'zod';\nimport { x } from '../protocol/x';\nimport { y } from '../../content-packs/node/y';\nexport const a = [Fastify, fp, cookie, pg, PGlite, live, S3Client, scrypt, z, x, y];\n",
      ),
    ).toEqual([]);
    expect(await lintAs('sync/server/violation.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([expect.stringMatching(/Only electron\/main/)]);
    expect(await lintAs('sync/server/violation.ts', "import Dexie from 'dexie';\nexport const a = Dexie;\n")).toEqual([expect.stringMatching(/Package 'dexie' is not on layer 'server'/)]);
    expect(await lintAs('sync/server/violation.ts', "import { x } from '../client/engine';\nexport const a = x;\n")).toEqual([expect.stringMatching(/may not import layer 'browser'/)]);
  });

  it('checks bare package imports against each layer\'s allow-list', async () => {
    const bad: Array<[string, string, RegExp]> = [
      ['electron/host/violation.ts', 'fastify', /Package 'fastify' is not on layer 'node'.*allowed in: server/],
      ['electron/host/violation.ts', 'pg', /Package 'pg'/],
      ['content-packs/store/violation.ts', '@electric-sql/pglite', /Package '@electric-sql\/pglite'/],
      ['electron/host/violation.ts', 'dexie', /Package 'dexie' is not on layer 'node'.*allowed in: browser/],
      ['electron/main/violation.ts', '@fastify/cookie', /Package '@fastify\/cookie'/],
      ['electron/preload/violation.ts', 'react', /Package 'react' is not on layer 'preload'/],
      ['common/violation.ts', 'dexie', /Package 'dexie' is not on layer 'common'/],
      ['common/violation.ts', 'react-dom/client', /Package 'react-dom'/],
      ['renderer/src/violation.ts', 'fastify', /Package 'fastify' is not on layer 'browser'/],
      ['renderer/src/violation.ts', 'yaml', /Package 'yaml' is not on layer 'browser'/],
      ['sync/client/violation.ts', 'pg', /Package 'pg' is not on layer 'browser'/],
      ['sync/server/dashboard/violation.tsx', 'fastify', /Package 'fastify' is not on layer 'browser'/],
      ['common/violation.ts', 'left-pad', /no product layer \(tools only\)/],
    ];
    for (const [file, pkg, re] of bad) {
      const messages = await lintAs(file, `import x from '${pkg}';\nexport const a = x;\n`);
      expect(messages, `${file} ← ${pkg}`).toEqual([expect.stringMatching(re)]);
    }
    const good: Array<[string, string]> = [
      ['renderer/src/ok.ts', 'dexie'],
      ['sync/client/ok.ts', 'dexie'],
      ['renderer/src/ok.ts', 'react-dom/client'],
      ['sync/server/dashboard/ok.tsx', 'react'],
      ['common/ok.ts', 'zod'],
      ['content-packs/format/ok.ts', '@noble/hashes/sha256'],
      ['content-packs/build/ok.ts', 'yaml'],
      ['tests/e2e/ok.ts', 'left-pad'],
    ];
    for (const [file, pkg] of good) {
      expect(await lintAs(file, `import x from '${pkg}';\nexport const a = x;\n`), `${file} ← ${pkg}`).toEqual([]);
    }
  });

  it('lets renderer/ use sync/client/ but not the reverse (the outbox comes through an interface)', async () => {
    expect(await lintAs('sync/client/violation.ts', "import { nextOutboxBatch } from '../../renderer/src/db/outbox';\nexport const a = nextOutboxBatch;\n")).toEqual([
      expect.stringMatching(/may not import 'renderer\/src\/db\/outbox': renderer\/ uses sync\/client\//),
    ]);
    expect(await lintAs('sync/client/violation.ts', "export { x } from '../../renderer/src/x';\n")).toHaveLength(1);
    expect(await lintAs('renderer/src/ok.ts', "import { x } from '../../sync/client/engine';\nimport type { SyncStore } from '../../sync/protocol/store';\nexport const a = x;\nexport type S = SyncStore;\n")).toEqual([]);
  });

  it('maps folders to layers', () => {
    expect(layerOf('sync/server/app.ts')).toBe('server');
    expect(layerOf('sync/server/dashboard/main.tsx')).toBe('browser');
    expect(layerOf('sync/client/engine.ts')).toBe('browser');
    expect(layerOf('sync/protocol/push.ts')).toBe('common');
    expect(layerOf('sync/server/app.test.ts')).toBe('tools');
    expect(layerOf('content-packs/format/manifest.ts')).toBe('common');
    expect(layerOf('content-packs/store/store.ts')).toBe('node');
    expect(layerOf('electron/main/main.ts')).toBe('main');
    expect(layerOf('renderer/src/App.tsx')).toBe('browser');
    expect(layerOf('renderer/src/App.test.tsx')).toBe('tools');
  });
});
