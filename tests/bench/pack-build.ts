// tpk build of ~500 MB of already-conforming media (H.264/AAC MP4 +faststart, MP3, JPEG) vs `zip -0 -r` of the same files, same run (target ratio ≤ 1.5)
//
// Usage: npm run bench -- pack-build [--mb 500]   (BENCH_TMP=<dir> to choose the disk)
// The media is made once per run with ffmpeg: two base videos re-used as many files whose bytes
// differ (a random `free` box appended — still valid ISO-BMFF, so hashes differ and nothing dedups),
// plus distinct MP3s and JPEGs. Page caches are dropped before each timed step when we are root.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, writeSync, copyFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildPack } from '../../content-packs/build/build';
import { makeTestTrust } from '../../content-packs/format/testing';
import { resolveFfmpeg } from '../../content-packs/media/binaries';
import { benchDir, dropPageCaches, printResult, timeSeconds } from './_harness';

const mbArg = process.argv.indexOf('--mb');
const TARGET_MB = mbArg > 0 ? Number(process.argv[mbArg + 1]) : Number(process.env.BENCH_PACK_MB ?? 500);

function ffmpeg(args: string[]): void {
  const r = spawnSync(resolveFfmpeg(), ['-hide_banner', '-nostdin', '-y', '-v', 'error', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

/** Append a top-level `free` box of random bytes: a different file, still a conforming MP4. */
function uniqueCopy(from: string, to: string): void {
  copyFileSync(from, to);
  const fd = openSync(to, 'a');
  const box = Buffer.alloc(8 + 56);
  box.writeUInt32BE(box.length, 0);
  box.write('free', 4, 'latin1');
  randomBytes(56).copy(box, 8);
  writeSync(fd, box);
  closeSync(fd);
}

function dirBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      bytes += statSync(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).size;
      files++;
    }
  }
  return { bytes, files };
}

/** CPU seconds (user+sys) of this process and its waited-for children — independent of machine load (Linux). */
function cpuSeconds(): number {
  const self = process.cpuUsage();
  let children = 0;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    children = (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, clock ticks (USER_HZ = 100)
  } catch {
    children = NaN;
  }
  return (self.user + self.system) / 1e6 + children;
}

async function main(): Promise<void> {
  const { dir, cleanup } = benchDir('pack-build');
  try {
    const src = join(dir, 'src');
    const unit = join(src, '小学', '数学', '人教版', '一年级', '上册', '第一单元');
    const base = join(dir, 'base');
    mkdirSync(base, { recursive: true });
    console.error(`generating ~${TARGET_MB} MB of conforming media in ${dir} …`);
    // one ~38 MB base video: 854x480 H.264 Main ~1.8 Mbit/s + AAC, +faststart (passes through tpk build);
    // every copy gets its own random `free` box, so all files differ
    const seconds = 160;
    ffmpeg([
      '-f', 'lavfi', '-i', `testsrc2=size=854x480:rate=25:duration=${seconds}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'main', '-pix_fmt', 'yuv420p',
      '-b:v', '1800k', '-maxrate', '1800k', '-bufsize', '3600k',
      '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart', join(base, 'v0.mp4'),
    ]);
    for (let i = 0; i < 8; i++) {
      ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=${300 + i * 40}:duration=90`, '-c:a', 'libmp3lame', '-b:a', '128k', join(base, `a${i}.mp3`)]);
    }
    for (let i = 0; i < 24; i++) {
      ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=1600x1200:rate=1:duration=1`, '-vf', `hue=h=${i * 15}`, '-frames:v', '1', '-q:v', '2', join(base, `p${i}.jpg`)]);
    }
    const videoSize = statSync(join(base, 'v0.mp4')).size;
    const smallBytes = readdirSync(base).filter((f) => !f.endsWith('.mp4')).reduce((n, f) => n + statSync(join(base, f)).size, 0);
    const videos = Math.max(1, Math.round((TARGET_MB * 1024 * 1024 - smallBytes) / videoSize));
    const lessons = Math.max(1, Math.ceil(videos / 2));
    for (let l = 0; l < lessons; l++) mkdirSync(join(unit, `${l + 1} 第${l + 1}课`), { recursive: true });
    for (let v = 0; v < videos; v++) uniqueCopy(join(base, 'v0.mp4'), join(unit, `${(v % lessons) + 1} 第${(v % lessons) + 1}课`, `${String(v + 1).padStart(2, '0')} 视频.mp4`));
    for (const f of readdirSync(base).filter((n) => !n.endsWith('.mp4'))) {
      const l = (Number(f.slice(1, -4)) % lessons) + 1;
      copyFileSync(join(base, f), join(unit, `${l} 第${l}课`, f.endsWith('.mp3') ? `音频 ${f}` : `图片 ${f}`));
    }
    const { bytes, files } = dirBytes(src);
    console.error(`source: ${files} files, ${(bytes / 1024 / 1024).toFixed(0)} MB in ${lessons} lessons; ${cpus().length} cores`);

    const trust = await makeTestTrust();
    const dropped = dropPageCaches();
    const cpu0 = cpuSeconds();
    const zipSeconds = await timeSeconds(() => {
      const r = spawnSync('zip', ['-0', '-r', '-q', join(dir, 'baseline.zip'), '.'], { cwd: src });
      if (r.status !== 0) throw new Error(`zip failed (is it installed?): ${r.stderr?.toString()}`);
    });
    const zipCpu = cpuSeconds() - cpu0;
    dropPageCaches();
    const cpu1 = cpuSeconds();
    let stats: unknown;
    let packSize = 0;
    const phaseStart: Record<string, number> = {};
    const buildSeconds = await timeSeconds(async () => {
      const r = await buildPack({
        srcDir: src,
        out: join(dir, 'bench.tpk'),
        key: trust.county.privateKeyFile,
        cert: trust.cert,
        cacheDir: join(dir, 'cache'),
        onProgress: (p) => (phaseStart[p.phase] ??= performance.now()),
      });
      stats = r.stats;
      packSize = r.size;
    });
    const buildCpu = cpuSeconds() - cpu1;
    dropPageCaches();
    const rebuildSeconds = await timeSeconds(() => buildPack({ srcDir: src, out: join(dir, 'bench2.tpk'), key: trust.county.privateKeyFile, cert: trust.cert, cacheDir: join(dir, 'cache') }));
    const mediaSeconds = ((phaseStart.write ?? 0) - (phaseStart.media ?? 0)) / 1000;
    const writeSeconds = ((phaseStart.done ?? 0) - (phaseStart.write ?? 0)) / 1000;
    console.error(`tpk build phases: media (hash, probe, thumbnails) ${mediaSeconds.toFixed(2)} s, write ${writeSeconds.toFixed(2)} s`);
    console.error(`zip -0 -r: ${zipSeconds.toFixed(2)} s; tpk build: ${buildSeconds.toFixed(2)} s (cold cache), ${rebuildSeconds.toFixed(2)} s (warm cache); stats ${JSON.stringify(stats)}; page caches dropped: ${dropped}`);
    printResult({
      bench: 'pack-build',
      bytes,
      files,
      packBytes: packSize,
      zipSeconds: Number(zipSeconds.toFixed(3)),
      buildSeconds: Number(buildSeconds.toFixed(3)),
      rebuildSeconds: Number(rebuildSeconds.toFixed(3)),
      mediaSeconds: Number(mediaSeconds.toFixed(3)),
      writeSeconds: Number(writeSeconds.toFixed(3)),
      ratio: Number((buildSeconds / zipSeconds).toFixed(3)),
      zipCpuSeconds: Number(zipCpu.toFixed(2)),
      buildCpuSeconds: Number(buildCpu.toFixed(2)),
      loadAverage: Number(loadavg()[0]!.toFixed(1)),
      cores: cpus().length,
      pageCachesDropped: dropped,
    });
  } finally {
    cleanup();
  }
}

await main();
