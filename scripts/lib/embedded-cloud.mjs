// The embedded provincial cloud `npm start` runs next to the app on a newcomer's machine (issue 8
// item 8): PGlite in <data>/cloud, loopback only, a demo teaching point with the sample packs
// released to it (`teachpoint-cloud first-run`), and — on the device's first start — an offline
// enrollment file that the host turns into this PC's sync credentials. So sync is visible working
// (dashboard, 立即同步, pack downloads) with no set-up.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { ensureDashboardBuilt, repoRoot } from './renderer-build.mjs';

const CLI = join(repoRoot, 'bin', 'teachpoint-cloud.mjs');
export const DEFAULT_CLOUD_PORT = 47814;

function portFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * Prepares and starts the cloud; resolves to `{ url, child, enrollmentFile, signIn }` once it
 * listens, or null (with a bilingual note) when it cannot run — the app then starts without sync.
 */
export async function startEmbeddedCloud({ dataDir, port = DEFAULT_CLOUD_PORT, samples, say }) {
  const url = `http://127.0.0.1:${port}`;
  const cloudData = join(dataDir, 'cloud');
  const env = { ...process.env, TEACHPOINT_CLOUD_DATA: cloudData, PUBLIC_URL: url };
  delete env.DATABASE_URL; // embedded means PGlite; a province cloud is started with `npm run cloud`
  if (samples?.root) env.TEACHPOINT_TRUST_ROOTS = samples.root;
  if (!(await portFree(port))) {
    say(`端口 ${port} 已被占用，内置云端未启动（可用 --cloud-port 换一个端口）。`, `Port ${port} is taken: the embedded cloud did not start (choose another with --cloud-port).`);
    return null;
  }
  try {
    ensureDashboardBuilt();
  } catch (err) {
    say(`县级管理后台构建失败：${err.message}`, `Building the county dashboard failed: ${err.message}`);
  }
  mkdirSync(join(dataDir, 'sync'), { recursive: true });
  const enrolled = existsSync(join(dataDir, 'sync', 'credentials.json'));
  const enrollmentFile = enrolled ? null : join(dataDir, 'sync', 'first-run.tpenroll.json');
  say('正在准备内置云端（第一次约需半分钟）…', 'Preparing the embedded cloud (about half a minute the first time)…');
  const setup = spawnSync(
    process.execPath,
    [CLI, 'first-run', '--json', ...(samples ? ['--samples', samples.dir] : []), ...(enrollmentFile ? ['--enrollment-out', enrollmentFile] : [])],
    { cwd: repoRoot, env, encoding: 'utf8' },
  );
  if (setup.status !== 0) {
    process.stderr.write(setup.stderr);
    say('内置云端准备失败，应用照常启动，只是没有同步。', 'Preparing the embedded cloud failed: the app starts without sync.');
    return null;
  }
  const firstRun = JSON.parse(setup.stdout);
  // serve --quiet: one line when it listens; the host's output stays readable.
  const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--host', '127.0.0.1', '--quiet'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const listening = await new Promise((resolve) => {
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      if (/listening on/.test(buffered)) resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
  if (!listening) {
    say('内置云端启动失败，应用照常启动，只是没有同步。', 'The embedded cloud did not start: the app starts without sync.');
    return null;
  }
  return { url, child, enrollmentFile, signIn: { username: firstRun.username, password: firstRun.password }, schoolName: firstRun.schoolName };
}
