#!/usr/bin/env node
// `npm run bench` lists the benchmarks; `npm run bench -- <name> [args…]` runs tests/bench/<name>.ts.
// Each benchmark measures its own baseline in the same run (cp, zip -0, link capacity …) and prints
// ONE JSON object with its figures (including the ratio) as its last line. See docs/benchmarks.md.
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'tests', 'bench');
const benches = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...rest] = process.argv.slice(2);
if (!name) {
  console.log('Benchmarks (run one with `npm run bench -- <name>`):');
  for (const b of benches) {
    const firstLine = readFileSync(join(benchDir, `${b}.ts`), 'utf8').split('\n').find((l) => l.startsWith('//')) ?? '';
    console.log(`  ${b.padEnd(16)} ${firstLine.replace(/^\/\/\s*/, '')}`);
  }
  process.exit(0);
}
if (!benches.includes(name)) {
  console.error(`Unknown benchmark "${name}". Known: ${benches.join(', ')}`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, `${name}.ts`), ...rest], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
