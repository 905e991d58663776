export declare const repoRoot: string;
export declare const rendererOut: string;
export declare function rendererStaleReason(): string | null;
export declare function ensureRendererBuilt(options?: { log?: (msg: string) => void }): boolean;
export declare const rendererViteConfig: string;
