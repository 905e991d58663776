// Peak RSS of verify / import / stick scan on hostile manifests (a 62 MB manifest with the old signature, a 20,000-level tree) vs an ordinary pack, each in a fresh child process.
//
// Usage: npm run bench -- manifest-rss [--heap-mb 0]
// Each case runs in its own Node process (bundled like the Electron build bundles host code) and
// reports process.resourceUsage().maxRSS. The baseline is the same operation on an ordinary small
// pack in the same run; `ratio` = hostile peak / ordinary peak. Target: every peak < 300 MB.
// --heap-mb N adds --max-old-space-size=N to the children (0 = Node's default).
// Prints figures, then ONE JSON line: {"bench":"manifest-rss", "cases": {...}, "maxPeakMB": …}
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { formatTrustFile } from '../../content-packs/format/trust';
import { deepManifestBytes, enrolTestRoot, inflatedManifestBytes, repackWithManifest, testTrust, writeTestPack, type TestPack } from '../../content-packs/import/test-helpers';
import { benchDir, printResult } from './_harness';

const args = process.argv.slice(2);
const heapMb = Number(args[args.indexOf('--heap-mb') + 1] ?? '') || 0;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { dir, cleanup } = benchDir('tp-bench-manifest-rss-');

function repack(base: TestPack, name: string, manifestBytes: Uint8Array, signOriginal: boolean): Promise<string> {
  return repackWithManifest(base, join(dir, `stick-${name}`, `${name}.tpk`), manifestBytes, signOriginal ? 'original' : 'fresh');
}

async function main(): Promise<void> {
  const probe = join(dir, 'probe.cjs');
  const contents = `
    import { verifyPackFile } from './content-packs/node/verify';
    import { PackLibrary } from './content-packs/device/pack-library';
    import { scanForPacks } from './content-packs/drives/scanner';
    import { parsePublicKeyFile } from './content-packs/format/trust';
    import { readFileSync } from 'node:fs';
    import { dirname } from 'node:path';
    const [op, file, data, rootPub] = process.argv.slice(2);
    (async () => {
      let outcome: unknown;
      if (op === 'verify') outcome = (await verifyPackFile(file!, { trustedRoots: [parsePublicKeyFile(readFileSync(rootPub!), rootPub!)] })).problems.map((p) => p.code).join(',') || 'ok';
      else if (op === 'import') outcome = await new PackLibrary({ dataDir: data! }).import(file!).then(() => 'imported', (e: { code?: string }) => e.code);
      else outcome = (await scanForPacks(dirname(file!), new Map())).map((f) => f.error ?? f.status).join(',');
      process.stdout.write(JSON.stringify({ outcome, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\\n');
    })();
  `;
  await build({ stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'probe.ts' }, outfile: probe, bundle: true, platform: 'node', target: 'node16', format: 'cjs', logLevel: 'error', absWorkingDir: ROOT });

  const trust = await testTrust();
  const rootPub = join(dir, 'root.pub');
  fs.writeFileSync(rootPub, formatTrustFile(trust.root.publicKeyFile));
  const base = await writeTestPack(join(dir, 'stick-ordinary'), { blobs: [{ seed: 'b1', size: 500_000 }, { seed: 'b2', size: 700_000 }] });
  const files: Record<string, string> = {
    ordinary: base.path,
    'inflated-62MB-old-signature': await repack(base, 'inflated', inflatedManifestBytes(base, 255_000), true),
    'signed-at-bound': await repack(base, 'signed-at-bound', inflatedManifestBytes(base, 15_500), false),
    'over-bound-7MB-old-signature': await repack(base, 'over-bound', inflatedManifestBytes(base, 28_000), true),
    'deep-20000-signed': await repack(base, 'deep', deepManifestBytes(base, 20_000), false),
  };
  const cases: Record<string, Record<string, { outcome: unknown; peakMB: number }>> = {};
  let maxPeak = 0;
  for (const [name, file] of Object.entries(files)) {
    cases[name] = {};
    console.log(`${name}: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB file`);
    for (const op of ['verify', 'import', 'scan'] as const) {
      const data = join(dir, `data-${name}-${op}`);
      await enrolTestRoot(data);
      const r = spawnSync(process.execPath, [...(heapMb ? [`--max-old-space-size=${heapMb}`] : []), probe, op, file, data, rootPub], { encoding: 'utf8' });
      const res = r.status === 0 ? (JSON.parse(r.stdout.trim().split('\n').pop()!) as { outcome: unknown; maxRssMB: number }) : { outcome: `died (${r.status ?? r.signal}): ${r.stderr.slice(-200)}`, maxRssMB: -1 };
      cases[name]![op] = { outcome: res.outcome, peakMB: res.maxRssMB };
      maxPeak = Math.max(maxPeak, res.maxRssMB);
      console.log(`  ${op.padEnd(6)} peak RSS ${String(res.maxRssMB).padStart(5)} MB  → ${String(res.outcome)}`);
    }
  }
  const ratio = Object.fromEntries((['verify', 'import', 'scan'] as const).map((op) => [op, +(cases['inflated-62MB-old-signature']![op]!.peakMB / cases['ordinary']![op]!.peakMB).toFixed(2)]));
  printResult({ bench: 'manifest-rss', heapMb: heapMb || null, cases, ratioInflatedVsOrdinary: ratio, maxPeakMB: maxPeak, targetMB: 300 });
}

main().finally(cleanup);
