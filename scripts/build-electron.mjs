#!/usr/bin/env node
// Bundles the Electron main process and the sandboxed preload with esbuild (`npm run build:electron`):
//   electron/main/main.ts       → dist/electron/main.cjs     (package.json "main")
//   electron/preload/preload.ts → dist/electron/preload.cjs  (BrowserWindow webPreferences.preload)
// Both run on Node 16 in the classic (Electron 22) line, so target node16 / CommonJS.
// `electron` stays external (provided by the runtime); so do the ffmpeg/ffprobe installer packages,
// which locate their platform binary at run time (shipped unpacked by build/electron-builder.yml).
import { build } from 'esbuild';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'electron');
const production = process.env.NODE_ENV === 'production' || process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node16',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  absWorkingDir: root,
};

const entries = [
  {
    name: 'main',
    entryPoints: ['electron/main/main.ts'],
    outfile: path.join(outdir, 'main.cjs'),
    external: ['electron', '@ffmpeg-installer/*', '@ffprobe-installer/*'],
  },
  {
    // Sandboxed preload: only `electron` (contextBridge, ipcRenderer) may be required at run time.
    name: 'preload',
    entryPoints: ['electron/preload/preload.ts'],
    outfile: path.join(outdir, 'preload.cjs'),
    external: ['electron'],
  },
];

await mkdir(outdir, { recursive: true });
for (const { name, ...options } of entries) {
  const result = await build({ ...common, ...options, metafile: true });
  // A sandboxed preload that requires anything but `electron` fails at run time; refuse to build it.
  if (name === 'preload') {
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path));
    const foreign = [...new Set(imports)].filter((p) => p !== 'electron');
    if (foreign.length > 0) throw new Error(`preload bundle requires ${foreign.join(', ')} at run time; a sandboxed preload may only require 'electron'`);
  }
  const { size } = await stat(options.outfile);
  console.log(`${name}: ${path.relative(root, options.outfile)} (${(size / 1024).toFixed(0)} KiB)`);
}
