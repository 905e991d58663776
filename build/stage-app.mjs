#!/usr/bin/env node
// Stages what goes into app.asar: `dist/app/` = a minimal package.json (no dependencies, so
// electron-builder collects no node_modules), the production Electron bundles and the built renderer
// without source maps. electron-builder.yml points `directories.app` here.
//   node build/stage-app.mjs [--out <dir>]
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron } from '../scripts/build-electron.mjs';
import { ensureRendererBuilt, rendererOut, repoRoot } from '../scripts/lib/renderer-build.mjs';

/** The app package's metadata, taken from the repository's package.json. */
export function appPackageJson() {
  const root = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  return {
    name: root.name,
    productName: '教学点课堂',
    version: root.version,
    description: root.description,
    author: { name: 'TeachPoint', email: 'support@teachpoint.invalid' },
    homepage: 'https://teachpoint.invalid/',
    license: 'UNLICENSED',
    main: 'dist/electron/main.cjs',
  };
}

export async function stageApp({ out = path.join(repoRoot, 'dist', 'app'), rendererDir = null, log = console.log } = {}) {
  if (!rendererDir) {
    ensureRendererBuilt({ log });
    rendererDir = rendererOut;
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await buildElectron({ outdir: path.join(out, 'dist', 'electron'), production: true, log });
  cpSync(rendererDir, path.join(out, 'dist', 'renderer'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(appPackageJson(), null, 2)}\n`);
  log(`staged ${path.relative(repoRoot, out) || out}`);
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  await stageApp(i >= 0 ? { out: path.resolve(process.argv[i + 1]) } : {});
}
