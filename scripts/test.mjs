#!/usr/bin/env node
// `npm test`: every layer of DESIGN §6, in order, stopping at the first failure.
//   1. lint (layering + Chrome-108 compat)   2. typecheck (all runtime floors)
//   3. vitest node project                    4. vitest browser project (real Chromium)
//   5. renderer build + Playwright e2e (real Chromium, host over HTTP)
import { spawnSync } from 'node:child_process';

const steps = [
  ['lint', ['npm', 'run', '--silent', 'lint']],
  ['typecheck', ['npm', 'run', '--silent', 'typecheck']],
  ['unit+integration (node)', ['npx', 'vitest', 'run', '--project', 'node']],
  ['renderer+Dexie (Chromium)', ['npx', 'vitest', 'run', '--project', 'browser']],
  ['e2e (Playwright, Chromium)', ['npm', 'run', '--silent', 'test:e2e']],
];
const only = process.argv[2];
for (const [name, cmd] of steps) {
  if (only && !name.startsWith(only)) continue;
  console.log(`\n=== ${name}: ${cmd.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } });
  console.log(`=== ${name}: ${r.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
