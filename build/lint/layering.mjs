// @ts-check
/**
 * local/layering — the runtime is in the path (VS Code's code-layering rule, at our size).
 *
 * Every source file belongs to one layer, decided by the nearest layer folder in its path.
 * Four checks, each an error:
 *  1. layers: a relative import may reach only layers in the importer's allow-list
 *     (ALLOWED_LAYERS). The cloud (`server`, Node 20) is reachable from no device layer.
 *  2. builtins: Node builtins only where Node runs (node, server, main, tools).
 *  3. packages: a bare package import must be on the importer layer's allow-list (PACKAGES):
 *     fastify/pg/PGlite only in `server`, dexie/react only in browser code, electron only in
 *     main/preload. A new dependency is added here on purpose, for the layers whose runtime
 *     floor it supports.
 *  4. one-way folders (ONE_WAY): `renderer/` uses `sync/client/`, never the reverse — the client
 *     gets the device's outbox through the `SyncStore` interface in `sync/protocol/`.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';

/** @typedef {'common'|'browser'|'node'|'server'|'main'|'preload'|'tools'} Layer */

/** Folder prefix (relative to repo root, posix) → layer. Longest prefix wins. */
export const LAYER_FOLDERS = /** @type {const} */ ([
  ['common/', 'common'],
  ['content-packs/format/', 'common'],
  ['sync/protocol/', 'common'],
  ['renderer/', 'browser'],
  ['sync/client/', 'browser'],
  // The county dashboard is a web page the cloud serves: browser code, wherever it lives.
  ['sync/server/dashboard/', 'browser'],
  ['sync/dashboard/', 'browser'],
  ['content-packs/', 'node'],
  ['electron/host/', 'node'],
  // The provincial cloud: Node 20 (Fastify 5), never shipped to a device.
  ['sync/server/', 'server'],
  ['electron/main/', 'main'],
  ['electron/preload/', 'preload'],
  ['content-packs/samples/', 'tools'],
  ['tests/', 'tools'],
  ['scripts/', 'tools'],
  ['build/', 'tools'],
  ['bin/', 'tools'],
]);

/** Which layers each layer may import from. No device layer lists `server`. */
export const ALLOWED_LAYERS = /** @type {Record<Layer, Layer[]>} */ ({
  common: ['common'],
  browser: ['common', 'browser'],
  node: ['common', 'node'],
  // The cloud may reuse device node code (pack verification, zip reading): it runs on Node 16, so on 20 too.
  server: ['common', 'node', 'server'],
  main: ['common', 'node', 'main'],
  preload: ['common', 'preload'],
  tools: ['common', 'browser', 'node', 'server', 'main', 'preload', 'tools'],
});

/**
 * Folder pairs that must not depend on each other in the given direction, even inside one layer.
 * `[from, to, why]`.
 */
export const ONE_WAY = /** @type {const} */ ([
  ['sync/client/', 'renderer/', 'renderer/ uses sync/client/, not the reverse: the client reaches the outbox through the SyncStore interface (sync/protocol/store.ts) that renderer/src/db implements'],
]);

// Packages per runtime. A package may be listed by name or by scope (`@fastify/*`).
const PURE = ['zod', '@noble/hashes', '@noble/ed25519', 'pinyin-pro'];
// pdfjs-dist: its legacy build only (Chrome 108); the fonts are CSS-only, imported from renderer CSS.
const BROWSER_ONLY = ['dexie', 'react', 'react-dom', 'react-i18next', 'i18next', 'react-router-dom', 'pdfjs-dist'];
const NODE_ANY = ['yaml', '@ffmpeg-installer/ffmpeg', '@ffprobe-installer/ffprobe'];
// s3rver: a local S3-compatible server, only for sync/server/testing/ (devDependency).
const SERVER_ONLY = ['fastify', 'fastify-plugin', '@fastify/*', 'pg', '@electric-sql/pglite', '@aws-sdk/*', 's3rver'];

/** Bare packages each layer may import (`tools`: anything). `electron` is handled by its own check. */
export const PACKAGES = /** @type {Record<Exclude<Layer, 'tools'>, string[]>} */ ({
  common: [...PURE],
  browser: [...PURE, ...BROWSER_ONLY],
  node: [...PURE, ...NODE_ANY],
  server: [...PURE, ...NODE_ANY, ...SERVER_ONLY],
  main: [...PURE, ...NODE_ANY],
  preload: [...PURE],
});

const NODE_BUILTINS_OK = new Set(['node', 'server', 'main', 'tools']);
const ELECTRON_OK = new Set(['main', 'preload', 'tools']);
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));

/** @param {string} relPosix @returns {Layer | undefined} */
export function layerOf(relPosix) {
  let best;
  for (const [prefix, layer] of LAYER_FOLDERS) {
    if (relPosix.startsWith(prefix) && (!best || prefix.length > best[0].length)) best = [prefix, layer];
  }
  if (!best) return undefined;
  // Test and benchmark files may reach across layers to set things up.
  if (/\.(test|browser\.test|bench)\.tsx?$/.test(relPosix)) return 'tools';
  return /** @type {Layer} */ (best[1]);
}

/** @param {string} specifier */
export function isNodeBuiltin(specifier) {
  if (specifier.startsWith('node:')) return true;
  return BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] ?? '');
}

/** @param {string} specifier */
function isElectron(specifier) {
  return specifier === 'electron' || specifier.startsWith('electron/') || specifier === 'electron22';
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. @param {string} specifier */
export function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Is the bare `specifier` on `layer`'s allow-list? @param {Layer} layer @param {string} specifier */
export function packageAllowed(layer, specifier) {
  if (layer === 'tools') return true;
  const name = packageName(specifier);
  const scope = name.startsWith('@') ? `${name.split('/')[0]}/*` : undefined;
  const list = PACKAGES[layer];
  return list.includes(name) || (scope !== undefined && list.includes(scope));
}

/** Layers whose allow-list has the package (for the error message). @param {string} specifier */
function layersWith(specifier) {
  return /** @type {Layer[]} */ (Object.keys(PACKAGES)).filter((l) => packageAllowed(l, specifier));
}

/** @type {import('eslint').Rule.RuleModule} */
export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the common/browser/node/server/main/preload layering by folder, per-layer packages and one-way folders' },
    messages: {
      layer: "Layer '{{from}}' ({{file}}) may not import layer '{{to}}' ({{target}}). Allowed: {{allowed}}.",
      builtin: "Layer '{{from}}' runs where Node builtins do not exist; '{{specifier}}' is not allowed here.",
      electron: "Only electron/main and electron/preload may import 'electron' (this file is layer '{{from}}').",
      package: "Package '{{name}}' is not on layer '{{from}}''s allow-list ({{file}}); it is allowed in: {{where}}. If it really runs on this layer's floor, add it to PACKAGES in build/lint/layering.mjs.",
      oneWay: "'{{file}}' may not import '{{target}}': {{why}}.",
    },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const filename = context.filename;
    const rel = path.relative(root, filename).split(path.sep).join('/');
    const from = layerOf(rel);
    if (!from) return {};

    /** @param {import('estree').Node} node @param {unknown} value */
    function check(node, value) {
      if (typeof value !== 'string') return;
      if (isElectron(value)) {
        if (!ELECTRON_OK.has(from)) context.report({ node, messageId: 'electron', data: { from } });
        return;
      }
      if (isNodeBuiltin(value)) {
        if (!NODE_BUILTINS_OK.has(/** @type {Layer} */ (from))) context.report({ node, messageId: 'builtin', data: { from, specifier: value } });
        return;
      }
      if (!value.startsWith('.') && !value.startsWith('/')) {
        if (!packageAllowed(/** @type {Layer} */ (from), value)) {
          const where = layersWith(value);
          context.report({ node, messageId: 'package', data: { name: packageName(value), from, file: rel, where: where.length ? where.join(', ') : 'no product layer (tools only)' } });
        }
        return;
      }
      const targetAbs = path.resolve(path.dirname(filename), value);
      const targetRel = path.relative(root, targetAbs).split(path.sep).join('/');
      const to = layerOf(targetRel) ?? layerOf(`${targetRel}/`);
      if (!to) return;
      const allowed = ALLOWED_LAYERS[/** @type {Layer} */ (from)];
      if (!allowed.includes(to)) {
        context.report({ node, messageId: 'layer', data: { from, to, file: rel, target: targetRel, allowed: allowed.join(', ') } });
        return;
      }
      if (from === 'tools') return;
      for (const [src, dst, why] of ONE_WAY) {
        if (rel.startsWith(src) && (targetRel.startsWith(dst) || `${targetRel}/`.startsWith(dst))) {
          context.report({ node, messageId: 'oneWay', data: { file: rel, target: targetRel, why } });
        }
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node.arguments[0], node.arguments[0].value);
        }
      },
    };
  },
};

export default { rules: { layering: layeringRule } };
