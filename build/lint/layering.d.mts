import type { Rule } from 'eslint';
export type Layer = 'common' | 'browser' | 'node' | 'main' | 'preload' | 'tools';
export declare const LAYER_FOLDERS: ReadonlyArray<readonly [string, Layer]>;
export declare const ALLOWED_LAYERS: Record<Layer, Layer[]>;
export declare function layerOf(relPosix: string): Layer | undefined;
export declare function isNodeBuiltin(specifier: string): boolean;
export declare const layeringRule: Rule.RuleModule;
declare const plugin: { rules: { layering: Rule.RuleModule } };
export default plugin;
