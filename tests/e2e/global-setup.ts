import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRendererBuilt, rendererOut } from '../../scripts/lib/renderer-build.mjs';
import { REPO_ROOT, STATE_FILE, type E2eState } from './app';

const URL_LINE = /^TEACHPOINT_URL=(\S+)$/m;

/**
 * Starts the real host (tsx electron/host/cli/serve.ts) on a temp data dir and port 0, serving a
 * private copy of the built renderer (so a colleague rebuilding dist/renderer mid-run cannot
 * disturb us), with a temp folder presented as a USB stick holding the sample packs if they exist.
 */
export default async function globalSetup(): Promise<void> {
  ensureRendererBuilt();
  const workDir = mkdtempSync(join(tmpdir(), 'tp-e2e-'));
  const staticDir = join(workDir, 'renderer');
  cpSync(rendererOut, staticDir, { recursive: true });
  const dataDir = join(workDir, 'data');
  const stickDir = join(workDir, 'usb-stick');
  mkdirSync(stickDir, { recursive: true });
  const samplesOut = join(REPO_ROOT, 'content-packs', 'samples', 'out');
  const listSamples = () => (existsSync(samplesOut) ? readdirSync(samplesOut).filter((f) => f.endsWith('.tpk')) : []);
  if (listSamples().length === 0 && process.env.TEACHPOINT_E2E_SAMPLES !== '0') buildSamples();
  const samplePacks = listSamples();
  for (const f of samplePacks) cpSync(join(samplesOut, f), join(stickDir, f));
  const devRoot = join(samplesOut, 'dev-root.pub');
  const trust = samplePacks.length > 0 && existsSync(devRoot) ? ['--trust', devRoot] : [];

  const logFile = join(workDir, 'host.log');
  const log = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/host/cli/serve.ts', '--data', dataDir, '--port', '0', '--static', staticDir, '--samples', stickDir, ...trust],
    { cwd: REPO_ROOT, stdio: ['ignore', log, log], env: { ...process.env, TEACHPOINT_EXTRA_DRIVES: '' }, detached: false },
  );
  if (child.pid === undefined) throw new Error('could not start the host process');

  const appUrl = await waitForUrl(logFile, child, 60_000);
  const origin = appUrl.slice(0, appUrl.indexOf('/#'));
  const token = appUrl.slice(appUrl.indexOf('#token=') + '#token='.length);
  const state: E2eState = { appUrl, origin, token, pid: child.pid, workDir, dataDir, logFile, stickDir, samplePacks };
  mkdirSync(join(REPO_ROOT, 'tests', '.tmp'), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  child.unref();
}

/** Fresh clone: build the demo packs once (`npm run samples`), serialised with other builds in this tree. */
function buildSamples(): void {
  const script = join(REPO_ROOT, 'content-packs', 'samples', 'build-samples.ts');
  if (!existsSync(script)) return;
  console.log('[e2e] building the sample packs (npm run samples)…');
  const args = ['--import', 'tsx', script];
  const r =
    process.platform === 'linux' && existsSync('/usr/bin/flock')
      ? spawnSync('/usr/bin/flock', ['/tmp/teachpoint-samples-build.lock', process.execPath, ...args], { cwd: REPO_ROOT, stdio: 'inherit' })
      : spawnSync(process.execPath, args, { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) console.warn('[e2e] building the sample packs failed; the import test will be skipped');
}

/** The app URL a host prints (`TEACHPOINT_URL=…`) in its log; also used by specs that start their own host. */
export async function waitForUrl(logFile: string, child: ReturnType<typeof spawn>, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    const text = readFileSync(logFile, 'utf8');
    const m = URL_LINE.exec(text);
    if (m?.[1]) return m[1];
    if (exited !== null) throw new Error(`host exited (${exited}) before printing its URL:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`host did not print TEACHPOINT_URL within ${timeoutMs} ms:\n${readFileSync(logFile, 'utf8')}`);
}
