// @ts-check
/**
 * local/layering — the runtime is in the path (VS Code's code-layering rule, at our size).
 *
 * Every source file belongs to one layer, decided by the nearest layer folder in its path.
 * An import is allowed only when the target layer is in the importer's allow-list; Node
 * builtins and `electron` are allowed only where that code actually runs.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';

/** @typedef {'common'|'browser'|'node'|'main'|'preload'|'tools'} Layer */

/** Folder prefix (relative to repo root, posix) → layer. Longest prefix wins. */
export const LAYER_FOLDERS = /** @type {const} */ ([
  ['common/', 'common'],
  ['content-packs/format/', 'common'],
  ['sync/protocol/', 'common'],
  ['renderer/', 'browser'],
  ['sync/client/', 'browser'],
  ['content-packs/', 'node'],
  ['electron/host/', 'node'],
  ['sync/server/', 'node'],
  ['electron/main/', 'main'],
  ['electron/preload/', 'preload'],
  ['content-packs/samples/', 'tools'],
  ['tests/', 'tools'],
  ['scripts/', 'tools'],
  ['build/', 'tools'],
  ['bin/', 'tools'],
]);

/** Which layers each layer may import from. */
export const ALLOWED_LAYERS = /** @type {Record<Layer, Layer[]>} */ ({
  common: ['common'],
  browser: ['common', 'browser'],
  node: ['common', 'node'],
  main: ['common', 'node', 'main'],
  preload: ['common', 'preload'],
  tools: ['common', 'browser', 'node', 'main', 'preload', 'tools'],
});

const NODE_BUILTINS_OK = new Set(['node', 'main', 'tools']);
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

/** @type {import('eslint').Rule.RuleModule} */
export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the common/browser/node/main/preload layering by folder' },
    messages: {
      layer: "Layer '{{from}}' ({{file}}) may not import layer '{{to}}' ({{target}}). Allowed: {{allowed}}.",
      builtin: "Layer '{{from}}' runs where Node builtins do not exist; '{{specifier}}' is not allowed here.",
      electron: "Only electron/main and electron/preload may import 'electron' (this file is layer '{{from}}').",
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
      if (!value.startsWith('.')) return; // packages: checked by the typecheck floors, not here
      const targetAbs = path.resolve(path.dirname(filename), value);
      const targetRel = path.relative(root, targetAbs).split(path.sep).join('/');
      const to = layerOf(targetRel) ?? layerOf(`${targetRel}/`);
      if (!to) return;
      const allowed = ALLOWED_LAYERS[/** @type {Layer} */ (from)];
      if (!allowed.includes(to)) {
        context.report({ node, messageId: 'layer', data: { from, to, file: rel, target: targetRel, allowed: allowed.join(', ') } });
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
