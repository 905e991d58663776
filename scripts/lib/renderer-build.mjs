// Build a Vite web page (the device renderer in dist/renderer, the county dashboard in dist/dashboard)
// when it is missing or older than its sources. Shared by scripts/start.mjs (`npm start`), the
// Playwright global setup, `npm run cloud` and the dashboard's tests. Several engineers share one
// tree, so builds are serialised with flock when it exists (Vite empties the output folder first).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const rendererOut = join(repoRoot, 'dist', 'renderer');
export const dashboardOut = join(repoRoot, 'dist', 'dashboard');

export const rendererViteConfig = 'renderer.vite.config.ts';
export const dashboardViteConfig = 'dashboard.vite.config.ts';

/** The pages this module builds: output folder, Vite config, and the folders/files whose changes make a build stale. */
const PAGES = {
  renderer: {
    label: { zh: '界面', en: 'the renderer' },
    out: rendererOut,
    config: rendererViteConfig,
    sources: ['renderer', 'common', 'content-packs/format', 'sync/protocol', 'sync/client', 'package-lock.json', rendererViteConfig],
  },
  dashboard: {
    label: { zh: '县级管理后台', en: 'the county dashboard' },
    out: dashboardOut,
    config: dashboardViteConfig,
    sources: ['sync/server/dashboard', 'common', 'package-lock.json', dashboardViteConfig],
  },
};

function newestMtime(path) {
  let newest = 0;
  const stack = [path];
  while (stack.length > 0) {
    const current = stack.pop();
    let st;
    try {
      st = statSync(current);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(current)) {
        if (name === 'node_modules' || name.startsWith('.') || name === '__screenshots__') continue;
        stack.push(join(current, name));
      }
    } else if (!/\.test\.tsx?$/.test(current)) {
      newest = Math.max(newest, st.mtimeMs);
    }
  }
  return newest;
}

/** Why the page needs building, or null when its output is up to date. */
function staleReason(page) {
  const { out, sources } = PAGES[page];
  const index = join(out, 'index.html');
  if (!existsSync(index)) return `dist/${page} is missing`;
  const built = statSync(index).mtimeMs;
  for (const src of sources) {
    if (newestMtime(join(repoRoot, src)) > built) return `${src} changed since the last build`;
  }
  return null;
}

/** Build if needed; returns true when a build ran. Throws when the build fails. */
function ensureBuilt(page, { log = console.log } = {}) {
  const reason = staleReason(page);
  if (reason === null) return false;
  const { label, config } = PAGES[page];
  log(`正在构建${label.zh}（${reason}）… / Building ${label.en} (${reason})…`);
  const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const args = [vite, 'build', '--config', config, '--logLevel', 'warn'];
  const useFlock = process.platform === 'linux' && existsSync('/usr/bin/flock');
  // Always a production build: called from vitest (NODE_ENV=test), Vite would otherwise bundle
  // React's development build (about twice the size, and not what ships).
  const options = { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } };
  const result = useFlock
    ? spawnSync('/usr/bin/flock', [`/tmp/teachpoint-${page}-build.lock`, process.execPath, ...args], options)
    : spawnSync(process.execPath, args, options);
  if (result.status !== 0) throw new Error(`${page} build failed (vite build --config ${config})`);
  return true;
}

export const rendererStaleReason = () => staleReason('renderer');
export const ensureRendererBuilt = (options) => ensureBuilt('renderer', options);
export const dashboardStaleReason = () => staleReason('dashboard');
export const ensureDashboardBuilt = (options) => ensureBuilt('dashboard', options);
