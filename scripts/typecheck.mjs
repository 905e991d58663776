#!/usr/bin/env node
// Type-checks every runtime floor (DESIGN §2):
//   renderer   — Chrome 108, no Node types
//   node16     — main/preload/host/content-packs against @types/node 16 + current Electron typings
//   electron22 — the same files against Electron 22 typings
//   server     — the provincial cloud (sync/server) on Node 20 typings; no device tsconfig includes it
//   tools      — tests, benches, scripts on the developer's Node
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const projects = ['tsconfig.renderer.json', 'tsconfig.node16.json', 'tsconfig.electron22.json', 'tsconfig.server.json', 'tsconfig.tools.json'];
let failed = 0;
for (const project of projects) {
  process.stdout.write(`tsc -p ${project} … `);
  const r = spawnSync(process.execPath, [tsc, '-p', project, '--pretty'], { encoding: 'utf8' });
  if (r.status === 0) {
    console.log('ok');
  } else {
    failed++;
    console.log('FAILED');
    process.stdout.write(r.stdout + r.stderr);
  }
}
process.exit(failed ? 1 : 0);
