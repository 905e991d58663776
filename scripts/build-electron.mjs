#!/usr/bin/env node
// Bundles the Electron main process and the sandboxed preload with esbuild (`npm run build:electron`):
//   electron/main/main.ts       → dist/electron/main.cjs     (package.json "main")
//   electron/preload/preload.ts → dist/electron/preload.cjs  (BrowserWindow webPreferences.preload)
// Both run on Node 16 in the classic (Electron 22) line, so target node16 / CommonJS.
// `electron` stays external (provided by the runtime); so do the ffmpeg/ffprobe installer packages,
// which are not shipped in a packaged app: electron-builder puts the platform's binaries in
// resources/ffmpeg/ and electron/main points FFMPEG_PATH/FFPROBE_PATH there (docs/packaging.md).
//
// Options: --production (minified, no source maps; also NODE_ENV=production), --outdir <dir>.
// Also importable: `buildElectron({ outdir, production, preloadEntry })` (build/stage-app.mjs and
// the packaging test use it).
import { build } from 'esbuild';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The preload runs in every window before the page; it needs channel and event names only
 * (common/bridge/preload-api.ts). zod, the contract's schemas and the pack format (manifest,
 * trust, Ed25519) must never be bundled into it — that was 96 KB minified, 60 KB of it zod.
 */
const PRELOAD_FORBIDDEN = [
  { label: 'zod', test: (p) => /(^|\/)node_modules\/zod\//.test(p) },
  { label: 'the bridge contract (schemas)', test: (p) => /^common\/bridge\/(contract|dispatch|define)\.ts$|^common\/bridge\/methods\//.test(p) },
  { label: 'the pack format', test: (p) => p.startsWith('content-packs/') },
  { label: '@noble (Ed25519/hashes)', test: (p) => /(^|\/)node_modules\/@noble\//.test(p) },
];
/** Minified size limit of the preload bundle (it is ~4 KB). Unminified builds get four times this. */
export const PRELOAD_MAX_BYTES = 16 * 1024;

/** Throws when the preload bundle pulls in anything heavy, or anything but `electron` at run time. */
export function checkSlimPreload(metafile, { production }) {
  const inputs = Object.keys(metafile.inputs);
  const found = PRELOAD_FORBIDDEN.flatMap(({ label, test }) => {
    const hits = inputs.filter(test);
    return hits.length > 0 ? [`${label} (${hits.slice(0, 3).join(', ')}${hits.length > 3 ? ', …' : ''})`] : [];
  });
  if (found.length > 0) {
    throw new Error(`preload bundle must stay slim but includes ${found.join('; ')}. The preload may import names from common/bridge/preload-api.ts only.`);
  }
  // A sandboxed preload that requires anything but `electron` fails at run time; refuse to build it.
  const imports = Object.values(metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path));
  const foreign = [...new Set(imports)].filter((p) => p !== 'electron');
  if (foreign.length > 0) throw new Error(`preload bundle requires ${foreign.join(', ')} at run time; a sandboxed preload may only require 'electron'`);
  const limit = PRELOAD_MAX_BYTES * (production ? 1 : 4);
  const bytes = Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map')).reduce((n, [, o]) => n + o.bytes, 0);
  if (bytes > limit) throw new Error(`preload bundle is ${bytes} bytes; the limit is ${limit}. Keep it to names and the IPC glue.`);
}

export async function buildElectron({ outdir = path.join(root, 'dist', 'electron'), production = false, preloadEntry = 'electron/preload/preload.ts', log = console.log } = {}) {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node16',
    format: 'cjs',
    sourcemap: production ? false : 'linked',
    minify: production,
    legalComments: 'none',
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    absWorkingDir: root,
  };
  const entries = [
    { name: 'main', entryPoints: ['electron/main/main.ts'], outfile: path.join(outdir, 'main.cjs'), external: ['electron', '@ffmpeg-installer/*', '@ffprobe-installer/*'] },
    // Sandboxed preload: only `electron` (contextBridge, ipcRenderer) may be required at run time.
    { name: 'preload', entryPoints: [preloadEntry], outfile: path.join(outdir, 'preload.cjs'), external: ['electron'] },
  ];
  await mkdir(outdir, { recursive: true });
  const sizes = {};
  for (const { name, ...options } of entries) {
    // A production build must not leave a development build's source maps beside it.
    if (production) await rm(`${options.outfile}.map`, { force: true });
    const result = await build({ ...common, ...options, metafile: true });
    if (name === 'preload') checkSlimPreload(result.metafile, { production });
    const { size } = await stat(options.outfile);
    sizes[name] = size;
    log(`${name}: ${path.relative(root, options.outfile)} (${(size / 1024).toFixed(0)} KiB)`);
  }
  return sizes;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const outIndex = argv.indexOf('--outdir');
  try {
    await buildElectron({
      production: process.env.NODE_ENV === 'production' || argv.includes('--production'),
      ...(outIndex >= 0 ? { outdir: path.resolve(argv[outIndex + 1]) } : {}),
    });
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
