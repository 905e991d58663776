// Build the renderer (dist/renderer) when it is missing or older than its sources. Shared by
// scripts/start.mjs (`npm start`) and the Playwright global setup. Several engineers share one
// tree, so builds are serialised with flock when it exists (Vite empties dist/renderer first).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const rendererOut = join(repoRoot, 'dist', 'renderer');

export const rendererViteConfig = 'renderer.vite.config.ts';

/** Folders and files whose changes make the built renderer stale. */
const SOURCES = ['renderer', 'common', 'content-packs/format', 'sync/protocol', 'sync/client', 'package-lock.json', rendererViteConfig];

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

/** Why the renderer needs building, or null when dist/renderer is up to date. */
export function rendererStaleReason() {
  const index = join(rendererOut, 'index.html');
  if (!existsSync(index)) return 'dist/renderer is missing';
  const built = statSync(index).mtimeMs;
  for (const src of SOURCES) {
    if (newestMtime(join(repoRoot, src)) > built) return `${src} changed since the last build`;
  }
  return null;
}

/** Build if needed; returns true when a build ran. Throws when the build fails. */
export function ensureRendererBuilt({ log = console.log } = {}) {
  const reason = rendererStaleReason();
  if (reason === null) return false;
  log(`正在构建界面（${reason}）… / Building the renderer (${reason})…`);
  const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const args = [vite, 'build', '--config', rendererViteConfig, '--logLevel', 'warn'];
  const useFlock = process.platform === 'linux' && existsSync('/usr/bin/flock');
  const result = useFlock
    ? spawnSync('/usr/bin/flock', ['/tmp/teachpoint-renderer-build.lock', process.execPath, ...args], { cwd: repoRoot, stdio: 'inherit' })
    : spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`renderer build failed (vite build --config ${rendererViteConfig})`);
  return true;
}
