export declare const repoRoot: string;
export declare const rendererOut: string;
export declare function rendererStaleReason(): string | null;
export declare function ensureRendererBuilt(options?: { log?: (msg: string) => void }): boolean;
export declare const rendererViteConfig: string;
export declare const dashboardOut: string;
export declare const dashboardViteConfig: string;
export declare function dashboardStaleReason(): string | null;
export declare function ensureDashboardBuilt(options?: { log?: (msg: string) => void }): boolean;
