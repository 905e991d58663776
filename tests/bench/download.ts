// Pack download over a throttled link with random cuts: goodput ÷ link rate (target ≥ 0.9) and the bytes a cut costs (≤ one chunk).
//
// Usage: npm run bench -- download [--mb 200] [--blobs 8] [--rate-mbps 8] [--cut-min-mb 8] [--cut-max-mb 40] [--seed 20261201]
// The device's real downloader (electron/host/downloads/pack-download.ts: manifest + signature +
// chain, Range/If-Range resume from partial files, hash-as-it-arrives, verify-then-move, the
// importer's index switch) fetches a signed pack of random bytes from a Range-capable stand-in of
// the cloud's pack routes (tests/downloads/pack-server.ts, in its own process: _download-server.ts)
// over a simulated downstream link in that server: blob bodies paced at --rate-mbps MB/s (decimal; one schedule for all connections), the
// link cut (socket destroyed) after a seeded random number of body bytes in [--cut-min-mb,
// --cut-max-mb], drawn again after each cut. (Not tests/faults/proxy.ts: its throttle schedules
// every 1 KiB slice on its own timer, and timers due in the same millisecond can fire out of order —
// the downloader's hash check refused the reordered bytes; see docs/downloads.md.)
//  - goodputRatio = (pack bytes ÷ seconds from start to installed) ÷ link rate. The link rate is
//    the proxy's configured rate: capacity, which no transfer can beat.
//  - maxRetransferredBytes = the most bytes one cut made the device fetch twice: bytes of the cut
//    response it had received but not yet written to the partial file (the next request resumes
//    from the file's size). A cut flushes what arrived, so this is the unwritten tail: ≤ one chunk
//    (DOWNLOAD_CHUNK_BYTES, 1 MiB); only a killed process loses up to that much.
//  - linkIdleSeconds = time the link's queue ran dry, by cause: betweenResponses (the device between
//    requests: reconnects after cuts, blob switches), receiverSlow (the device not reading), senderLate
//    (the serving process descheduled — the machine, not the downloader).
//  - sentOverheadBytes = blob body bytes the server sent minus pack bytes: bytes a cut destroyed in
//    flight (in socket buffers) and were sent again — reported, not a target.
// Last line: {"bench":"download","goodputRatio":…,"maxRetransferredBytes":…,"cuts":…,"bytes":…,…}
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DownloadRequest } from '../../common/bridge/methods/downloads';
import { PackLibrary } from '../../content-packs/device/pack-library';
import { formatTrustFile, type PublicKeyFile } from '../../content-packs/format/trust';
import { loadTrust } from '../../content-packs/import/open-verified';
import { DOWNLOAD_CHUNK_BYTES } from '../../electron/host/downloads/blob-download';
import { downloadPack } from '../../electron/host/downloads/pack-download';
import { benchDir, printResult } from './_harness';

const args = process.argv.slice(2);
const num = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const MB = 1_000_000;
const totalBytes = num('mb', 200) * MB;
const blobCount = num('blobs', 8);
const rateBytes = num('rate-mbps', 8) * MB;
const cutMin = Math.round(num('cut-min-mb', 8) * MB);
const cutMax = Math.round(num('cut-max-mb', 40) * MB);
const seed = num('seed', 20261201);

const { dir, cleanup } = benchDir('download');
const cloud = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '_download-server.ts'), JSON.stringify({ dir, totalBytes, blobs: blobCount, rateBytes, cutMin, cutMax, seed })], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const lines = createInterface({ input: cloud.stdout! })[Symbol.asyncIterator]();
const nextLine = async (): Promise<string> => {
  const r = await lines.next();
  if (r.done) throw new Error('the bench cloud process exited');
  return r.value;
};
try {
  const served = JSON.parse(await nextLine()) as { origin: string; token: string; release: DownloadRequest; rootPublicKeyFile: PublicKeyFile };
  const { release } = served;
  const dataDir = join(dir, 'device');
  mkdirSync(join(dataDir, 'trust'), { recursive: true });
  writeFileSync(join(dataDir, 'trust', 'province-root.pub'), formatTrustFile(served.rootPublicKeyFile));
  const library = new PackLibrary({ dataDir });
  const started = process.hrtime.bigint();
  const phases: string[] = [];
  let lastState = '';
  const result = await downloadPack({
    library,
    cloudUrl: served.origin,
    token: served.token,
    release,
    trust: await loadTrust(dataDir),
    reserveBytes: 0,
    idleTimeoutMs: 30_000,
    onProgress: (p) => {
      if (p.state !== lastState) phases.push(`${p.state}@${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)}s`);
      lastState = p.state;
    },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const installed = (await library.list()).some((p) => p.id === release.packId && p.version === release.version);
  if (!installed) throw new Error('the pack was not installed');
  cloud.stdin!.write('stats\n');
  const stats = JSON.parse(await nextLine()) as { linkCuts: number; bodyBytesSent: number; blobRequests: number; linkIdle: Record<string, number> };
  const goodput = release.totalBytes / seconds;
  console.error(
    `download: ${(release.totalBytes / MB).toFixed(1)} MB in ${seconds.toFixed(1)} s through a ${(rateBytes / MB).toFixed(1)} MB/s link, ` +
      `${result.transfer.cuts} cuts (link counted ${stats.linkCuts}), ${stats.blobRequests} blob requests; load ${loadavg()[0]!.toFixed(1)}; phases ${phases.join(' ')}`,
  );
  printResult({
    bench: 'download',
    goodputRatio: Number((goodput / rateBytes).toFixed(3)),
    maxRetransferredBytes: result.transfer.maxLostBytes,
    chunkBytes: DOWNLOAD_CHUNK_BYTES,
    cuts: result.transfer.cuts,
    bytes: release.totalBytes,
    seconds: Number(seconds.toFixed(2)),
    linkBytesPerSecond: rateBytes,
    sentOverheadBytes: stats.bodyBytesSent - release.totalBytes,
    linkIdleSeconds: Object.fromEntries(Object.entries(stats.linkIdle).map(([k, v]) => [k.replace(/Ms$/, ''), Number((v / 1000).toFixed(2))])),
    blobs: blobCount,
    loadAvg1: Number(loadavg()[0]!.toFixed(2)),
  });
} finally {
  cloud.stdin!.end();
  if (cloud.exitCode === null && cloud.signalCode === null) await new Promise((r) => cloud.once('exit', r));
  cleanup();
}
