#!/usr/bin/env node
// `npm start` — run TeachPoint on a fresh clone after `npm ci`:
//  1. build the renderer if dist/renderer is missing or older than its sources;
//  2. first run for a newcomer: find the sample packs (content-packs/samples/out/*.tpk, building them
//     with `npm run samples` if they are missing) and offer that folder to the host as if it were a
//     USB stick, trusting the dev root key it came with (for this session only);
//  3. the embedded cloud (scripts/lib/embedded-cloud.mjs): PGlite under <data>/cloud on loopback, a demo
//     teaching point with the sample packs released to it, this device enrolled on its first start —
//     prints the county dashboard's URL and sign-in;
//  4. if the Electron binary is usable (node_modules/electron/path.txt + the binary runs): bundle
//     electron/ and launch Electron;
//     otherwise start the host (tsx electron/host/cli/serve.ts) and open Debian's Chromium in app
//     mode on its URL with a dedicated profile under the data dir — or just print the URL.
//
// Options: --data <dir> (default $TEACHPOINT_DATA or <repo>/.data), --port <n>, --no-browser,
//          --no-samples, --no-cloud, --cloud-port <n> (default 47814). Ctrl-C stops everything.
// The port is FIXED (default 47813, or --port, $TEACHPOINT_PORT, "port" in <data>/settings.json;
// see electron/host/cli/port.ts): the page's origin is the identity of its IndexedDB records and
// language choice, so a new port at each launch would make them vanish. serve.ts decides it; when
// the port is taken it falls back to a free one and prints a bilingual warning.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CLOUD_PORT, startEmbeddedCloud } from './lib/embedded-cloud.mjs';
import { ensureDashboardBuilt, ensureRendererBuilt, repoRoot } from './lib/renderer-build.mjs';

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const dataDir = resolve(opt('--data') ?? process.env.TEACHPOINT_DATA ?? join(repoRoot, '.data'));
const port = opt('--port');
const wantBrowser = !argv.includes('--no-browser');
const wantSamples = !argv.includes('--no-samples');
const wantCloud = !argv.includes('--no-cloud');
const cloudPort = Number(opt('--cloud-port') ?? process.env.TEACHPOINT_CLOUD_PORT ?? DEFAULT_CLOUD_PORT);
const say = (zh, en) => console.log(`${zh} / ${en}`);

// 1. renderer
try {
  ensureRendererBuilt();
} catch (err) {
  console.error(`界面构建失败 / ${err.message}`);
  process.exit(1);
}
// …and the county dashboard the embedded cloud serves at /dashboard/ (the app runs without it).
if (wantCloud) {
  try {
    ensureDashboardBuilt();
  } catch (err) {
    say(`县级管理后台构建失败，应用照常启动：${err.message}`, `Building the county dashboard failed; the app starts anyway: ${err.message}`);
  }
}

// 2. sample packs presented as a USB stick
const samplesOut = join(repoRoot, 'content-packs', 'samples', 'out');
const hasSamples = () => existsSync(samplesOut) && readdirSync(samplesOut).some((f) => f.endsWith('.tpk'));
let samples = null;
if (wantSamples) {
  if (!hasSamples() && existsSync(join(repoRoot, 'content-packs', 'samples', 'build-samples.ts'))) {
    say('正在生成示例资源包（首次运行，约需一两分钟）…', 'Building the sample packs (first run, a minute or two)…');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'content-packs/samples/build-samples.ts'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) say('示例资源包生成失败，继续启动。', 'Building the sample packs failed; starting without them.');
  }
  if (hasSamples()) {
    samples = { dir: samplesOut, root: existsSync(join(samplesOut, 'dev-root.pub')) ? join(samplesOut, 'dev-root.pub') : null };
    say(`示例资源包会像 U 盘一样出现在“资源库”里：${samplesOut}`, `The sample packs appear in the Library as if on a USB stick: ${samplesOut}`);
  }
}

mkdirSync(dataDir, { recursive: true });
const hostEnv = { ...process.env, TEACHPOINT_DATA: dataDir };
// Read by createHost (electron/host/host.ts) whichever shell runs it: the samples folder becomes a
// labelled virtual USB stick, its dev root key is trusted for this session only (never persisted).
if (samples) {
  hostEnv.TEACHPOINT_SAMPLES_DIR = samples.dir;
  if (samples.root) hostEnv.TEACHPOINT_TRUST_ROOTS = samples.root;
}

// 3. the embedded cloud, so sync is visible working with no set-up
const cloud = wantCloud ? await startEmbeddedCloud({ dataDir, port: cloudPort, samples, say }) : null;
if (cloud) {
  // The host enrolls this device from the file on its first start (electron/host/sync), then deletes it.
  if (cloud.enrollmentFile) hostEnv.TEACHPOINT_ENROLLMENT_FILE = cloud.enrollmentFile;
  say(`内置云端：${cloud.url}（本机已登记到“${cloud.schoolName}”）`, `Embedded cloud: ${cloud.url} (this PC is enrolled at the demo teaching point)`);
  say(`县级管理后台：${cloud.url}/dashboard/  账号 ${cloud.signIn.username}  密码 ${cloud.signIn.password}`, `County dashboard: ${cloud.url}/dashboard/  user ${cloud.signIn.username}  password ${cloud.signIn.password}`);
  process.on('exit', () => {
    try {
      process.kill(-cloud.child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  });
}

// 4a. Electron when its binary exists and runs
const electronBinary = findElectronBinary();
if (electronBinary) {
  say('检测到 Electron，正在打包并启动桌面程序…', 'Electron found: bundling and launching the desktop app…');
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-electron.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('Electron 打包失败 / bundling electron/ failed');
    process.exit(1);
  }
  const child = spawn(electronBinary, ['.'], { cwd: repoRoot, stdio: 'inherit', env: hostEnv });
  forwardSignals(child);
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  // 4b. host over HTTP + Chromium (or just the URL)
  const serveArgs = ['--import', 'tsx', 'electron/host/cli/serve.ts', '--data', dataDir, ...(port !== undefined ? ['--port', port] : [])];
  // Own process group (detached): Ctrl-C reaches it once, through forwardSignals, not twice.
  const host = spawn(process.execPath, serveArgs, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], env: hostEnv, detached: true });
  forwardSignals(host);
  let browser = null;
  let buffered = '';
  host.stdout.setEncoding('utf8');
  host.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    buffered += chunk;
    const m = /^TEACHPOINT_URL=(\S+)$/m.exec(buffered);
    if (m && !browser) {
      buffered = '';
      browser = openBrowser(m[1]);
      if (browser) {
        browser.on('exit', () => {
          say('浏览器窗口已关闭，正在停止…', 'Browser window closed; stopping…');
          host.kill('SIGTERM');
        });
      }
    }
  });
  host.on('exit', (code) => {
    if (browser && browser.exitCode === null) browser.kill('SIGTERM');
    process.exit(code ?? 0);
  });
}

/** The Electron binary from node_modules/electron/path.txt, if it exists and answers --version. */
function findElectronBinary() {
  const pathTxt = join(repoRoot, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const binary = join(repoRoot, 'node_modules', 'electron', 'dist', readFileSync(pathTxt, 'utf8').trim());
  if (!existsSync(binary)) return null;
  const r = spawnSync(binary, ['--version'], { timeout: 20_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
  return r.status === 0 ? binary : null;
}

/** Chromium in app mode with its own profile under the data dir; null when we only print the URL. */
function openBrowser(url) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!wantBrowser || !existsSync(chromium) || !hasDisplay) {
    say('请在浏览器中打开以下地址：', 'Open this address in a browser:');
    console.log(`\n    ${url}\n`);
    say('按 Ctrl-C 停止。', 'Press Ctrl-C to stop.');
    return null;
  }
  say('正在打开教学点课堂窗口…', 'Opening the TeachPoint window…');
  const profile = join(dataDir, 'chromium-profile');
  mkdirSync(profile, { recursive: true });
  return spawn(
    chromium,
    [`--app=${url}`, `--user-data-dir=${profile}`, '--no-first-run', '--no-default-browser-check', '--disable-background-networking', '--disable-sync', '--disable-component-update'],
    { stdio: 'ignore' },
  );
}

function forwardSignals(child) {
  let forwarded = 0;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      forwarded++;
      if (forwarded > 1) child.kill('SIGKILL');
      else child.kill(signal);
    });
  }
}
