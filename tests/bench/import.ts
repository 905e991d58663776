// Import at raw-copy speed: ≥1 GiB pack (3 videos of 150–300 MB + many 50 KB–2 MB files), durable `cp` vs `teachpoint packs import` in the same run, from a fast disk and from a throttled (USB-stick-speed) source.
//
// Usage: npm run bench -- import [--gib 1.0] [--rounds 5] [--throttle-mbps 30] [--throttle-gib 0.25] [--throttle-rounds 2] [--no-throttle] [--keep]
// Each round: drop caches → cp → sync → drop caches → import into an empty data dir. The machine
// may be shared, so rounds alternate baseline and import and the headline ratio is the MEDIAN OF
// PER-ROUND RATIOS (each import against the durable copy measured just before it).
// Prints figures, then ONE JSON line: {"bench":"import", …, "ratioVsDurableCp": …, "throttled": {…}}
//  - cpSeconds:        `cp pack.tpk copy.tpk` (page cache dropped before, if permitted)
//  - cpSyncSeconds:    `cp` + `sync copy.tpk` — the same bytes made durable, which the import guarantees
//  - importSeconds:    PackLibrary.import (the code behind `teachpoint packs import` and packs.import):
//                      signature + manifest + certificate chain, copy+sha256 of every blob, flush, atomic switch
//  - ratio = importSeconds / cpSeconds; ratioVsDurableCp = median over rounds of importSeconds / cpSyncSeconds
//  - cpSyncCpuSecondsPerGiB / importCpuSecondsPerGiB: CPU-seconds (user + system, all threads) per GiB, medians
//  - throttled:        the same, reading a smaller pack through a kernel read throttle (cgroup blkio,
//                      default 30 MB/s ≈ a USB 2.0 stick) for both cp and import; needs root, else skipped
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { PackLibrary } from '../../content-packs/device/pack-library';
import { enrolTestRoot, writeTestPack, type TestBlobSpec } from '../../content-packs/import/test-helpers';
import { benchDir, dropPageCaches, printResult, timeSeconds, withThrottledReads } from './_harness';

const args = process.argv.slice(2);
const gib = Number(args[args.indexOf('--gib') + 1] ?? '') || 1.0;
const keep = args.includes('--keep');
const rounds = Math.max(1, Number(args[args.indexOf('--rounds') + 1] ?? '') || 5);
const throttleMbps = args.includes('--no-throttle') ? 0 : Number(args[args.indexOf('--throttle-mbps') + 1] ?? '') || 30;
const throttleGib = Number(args[args.indexOf('--throttle-gib') + 1] ?? '') || 0.25;
const throttleRounds = Math.max(1, Number(args[args.indexOf('--throttle-rounds') + 1] ?? '') || 2);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Deterministic PRNG so runs are comparable. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function blobSpecs(targetBytes: number, gib: number): TestBlobSpec[] {
  const rnd = mulberry32(20250901);
  const MB = 1024 * 1024;
  const specs: TestBlobSpec[] = [300, 210, 150].map((mb, i) => ({ seed: `video-${i}`, size: Math.round(mb * MB * gib) + i, mime: 'video/mp4', title: `第${i + 1}课 视频` }));
  let total = specs.reduce((s, b) => s + b.size, 0);
  const kinds = ['image/jpeg', 'application/pdf', 'audio/mpeg', 'image/png'];
  let i = 0;
  while (total < targetBytes) {
    // log-uniform 50 KB – 2 MB: many small pictures and sheets, fewer larger PDFs/audio
    const size = Math.round(Math.exp(Math.log(50 * 1024) + rnd() * (Math.log(2 * MB) - Math.log(50 * 1024))));
    specs.push({ seed: `file-${i}`, size, mime: kinds[i % kinds.length]!, title: `第${(i % 40) + 4}课 资料${i}` });
    total += size;
    i++;
  }
  return specs;
}

interface Round {
  cp: number;
  cpSync: number;
  import: number;
  verify: number;
  blobs: number;
  /** CPU-seconds (user + system): of `cp` + `sync` (waited-for children), and of the import (this process, all threads). */
  cpSyncCpu: number;
  importCpu: number;
}

/** CPU-seconds of this process's waited-for children so far (cutime + cstime in /proc/self/stat; Linux), or NaN elsewhere. */
function childrenCpuSeconds(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // clock ticks: USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/** One round: durable cp of the pack, then an import of it into an empty data dir (page caches dropped before each). */
async function measureRound(packPath: string, dir: string, tag: string): Promise<Round> {
  const copy = join(dir, 'copy.tpk');
  dropPageCaches();
  const children0 = childrenCpuSeconds();
  const cp = await timeSeconds(() => {
    const r = spawnSync('cp', [packPath, copy]);
    if (r.status !== 0) throw new Error(`cp failed: ${r.stderr}`);
  });
  const sync = await timeSeconds(() => spawnSync('sync', [copy]));
  const cpSyncCpu = childrenCpuSeconds() - children0;
  fs.rmSync(copy);

  const data = join(dir, `data-${tag}`);
  await enrolTestRoot(data);
  const lib = new PackLibrary({ dataDir: data, reserveBytes: 0 });
  dropPageCaches();
  let result: Awaited<ReturnType<PackLibrary['import']>>[number] | undefined;
  let started = 0;
  let copyingAt = 0;
  const cpu0 = process.cpuUsage();
  const seconds = await timeSeconds(async () => {
    started = Date.now();
    [result] = await lib.import(packPath, {
      onProgress: (p) => {
        if (p.phase === 'copying' && !copyingAt) copyingAt = Date.now();
      },
    });
  });
  const importCpu = cpuSeconds(cpu0);
  if (!result || result.bytesCopied === 0) throw new Error('import copied nothing');
  const scrub = await lib.scrub();
  if (scrub.bad.length > 0) throw new Error(`scrub found ${scrub.bad.length} bad blobs after import`);
  fs.rmSync(data, { recursive: true, force: true });
  spawnSync('sync');
  return { cp, cpSync: cp + sync, import: seconds, verify: (copyingAt - started) / 1000, blobs: result.blobsCopied, cpSyncCpu, importCpu };
}

function summary(rs: Round[], bytes: number) {
  return {
    bytes,
    blobs: rs[0]!.blobs,
    rounds: rs.length,
    verifySeconds: round(median(rs.map((r) => r.verify))),
    cpSeconds: round(median(rs.map((r) => r.cp))),
    cpSyncSeconds: round(median(rs.map((r) => r.cpSync))),
    importSeconds: round(median(rs.map((r) => r.import))),
    ratio: round(median(rs.map((r) => r.import / r.cp))),
    ratioVsDurableCp: round(median(rs.map((r) => r.import / r.cpSync))),
    // CPU-seconds per GiB copied: less noisy than wall time on a shared machine (where the ratio follows CPU).
    cpSyncCpuSecondsPerGiB: round(median(rs.map((r) => r.cpSyncCpu)) / (bytes / 2 ** 30)),
    importCpuSecondsPerGiB: round(median(rs.map((r) => r.importCpu)) / (bytes / 2 ** 30)),
  };
}

function describe(label: string, s: ReturnType<typeof summary>): void {
  const mbps = (sec: number) => (s.bytes / sec / 1e6).toFixed(0);
  console.log(`${label}: medians of ${s.rounds} rounds, ${(s.bytes / 1024 / 1024).toFixed(0)} MiB, ${s.blobs} blobs`);
  console.log(`  cp:          ${s.cpSeconds.toFixed(2)} s  (${mbps(s.cpSeconds)} MB/s)`);
  console.log(`  cp + sync:   ${s.cpSyncSeconds.toFixed(2)} s  (${mbps(s.cpSyncSeconds)} MB/s)`);
  console.log(`  import:      ${s.importSeconds.toFixed(2)} s  (${mbps(s.importSeconds)} MB/s); open+verify before copying ${s.verifySeconds.toFixed(2)} s`);
  console.log(`  import / (cp + sync), median of per-round ratios: ${s.ratioVsDurableCp.toFixed(3)}`);
  console.log(`  CPU-seconds per GiB: cp + sync ${s.cpSyncCpuSecondsPerGiB.toFixed(2)}, import ${s.importCpuSecondsPerGiB.toFixed(2)} (all threads)`);
}

async function main(): Promise<void> {
  const { dir, cleanup } = benchDir('import');
  try {
    const specs = blobSpecs(Math.round(gib * 1024 * 1024 * 1024), gib);
    console.log(`generating pack: ${specs.length} blobs …`);
    const pack = await writeTestPack(join(dir, 'stick'), { id: 'cn.bench.import', blobs: specs });
    const bytes = fs.statSync(pack.path).size;
    pack.blobs.length = 0; // let the generated bytes be collected
    const cachesDropped = dropPageCaches();
    const fast: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      const r = await measureRound(pack.path, dir, `fast-${i}`);
      fast.push(r);
      console.log(`round ${i + 1}: cp ${r.cp.toFixed(2)} s, cp+sync ${r.cpSync.toFixed(2)} s (CPU ${r.cpSyncCpu.toFixed(2)} s), import ${r.import.toFixed(2)} s (CPU ${r.importCpu.toFixed(2)} s; before copying ${r.verify.toFixed(2)} s) → ${(r.import / r.cpSync).toFixed(3)}, scrub clean`);
    }
    const fastSummary = summary(fast, bytes);
    console.log(`page caches dropped: ${cachesDropped}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    describe('fast source', fastSummary);

    let throttled: Record<string, unknown> = { skipped: 'disabled (--no-throttle)' };
    if (throttleMbps > 0) {
      const slowSpecs = blobSpecs(Math.round(throttleGib * 1024 * 1024 * 1024), throttleGib);
      const slow = await writeTestPack(join(dir, 'slow-stick'), { id: 'cn.bench.import-slow', blobs: slowSpecs });
      const slowBytes = fs.statSync(slow.path).size;
      slow.blobs.length = 0;
      const bps = throttleMbps * 1e6;
      console.log(`throttled source: ${throttleMbps} MB/s, pack of ${(slowBytes / 1024 / 1024).toFixed(0)} MiB …`);
      const outcome = await withThrottledReads(slow.path, bps, async () => {
        const rs: Round[] = [];
        for (let i = 0; i < throttleRounds; i++) {
          const r = await measureRound(slow.path, dir, `slow-${i}`);
          rs.push(r);
          console.log(`throttled round ${i + 1}: cp ${r.cp.toFixed(2)} s, cp+sync ${r.cpSync.toFixed(2)} s, import ${r.import.toFixed(2)} s (before copying ${r.verify.toFixed(2)} s) → ${(r.import / r.cpSync).toFixed(3)}`);
        }
        return rs;
      });
      if ('skipped' in outcome) {
        console.log(`throttled source: skipped — ${outcome.skipped}`);
        throttled = { skipped: outcome.skipped };
      } else {
        const s = summary(outcome.result, slowBytes);
        describe(`throttled source (${throttleMbps} MB/s)`, s);
        throttled = { mbps: throttleMbps, ...s };
      }
    }
    printResult({ bench: 'import', cachesDropped, loadAverage: round(loadavg()[0]!), ...fastSummary, throttled });
  } finally {
    if (keep) console.error(`kept ${dir}`);
    else cleanup();
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
