// The cloud side of `npm run bench -- download`, in its own process (a separate machine in real life):
// builds the signed random-byte pack, serves it through tests/downloads/pack-server.ts's simulated link,
// prints one JSON line {origin, token, release, rootPublicKeyFile}; answers "stats" on stdin with
// {linkCuts, bodyBytesSent, blobRequests, linkIdle}; exits when stdin closes.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { testTrust, writeTestPack } from '../../content-packs/import/test-helpers';
import { startPackServer } from '../downloads/pack-server';
import { seededRandom } from '../faults/proxy';

const o = JSON.parse(process.argv[2]!) as { dir: string; totalBytes: number; blobs: number; rateBytes: number; cutMin: number; cutMax: number; seed: number };
const random = seededRandom(o.seed);
const server = await startPackServer({ link: { bytesPerSecond: o.rateBytes, nextCut: () => o.cutMin + Math.floor(random() * (o.cutMax - o.cutMin + 1)) } });
const each = Math.ceil(o.totalBytes / o.blobs);
const pack = await writeTestPack(join(o.dir, 'packs'), {
  id: 'cn.bench.download',
  version: 1,
  blobs: Array.from({ length: o.blobs }, (_, i) => ({ seed: `bench-dl-${o.seed}-${i}`, size: each + i * 4099, title: `第${i + 1}课` })),
});
const release = await server.publish(pack);
console.log(JSON.stringify({ origin: server.origin, token: server.token, release, rootPublicKeyFile: (await testTrust()).root.publicKeyFile }));
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'stats') {
    const sent = [...server.bodyBytesSent.values()].reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ linkCuts: server.linkCuts(), bodyBytesSent: sent, blobRequests: server.blobRequests.length, linkIdle: server.linkIdle() }));
  }
});
lines.on('close', () => void server.close().then(() => process.exit(0)));
