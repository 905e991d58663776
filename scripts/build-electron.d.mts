export declare const PRELOAD_MAX_BYTES: number;
export declare function checkSlimPreload(metafile: { inputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }>; outputs: Record<string, { bytes: number }> }, options: { production: boolean }): void;
export declare function buildElectron(options?: { outdir?: string; production?: boolean; preloadEntry?: string; log?: (message: string) => void }): Promise<Record<'main' | 'preload', number>>;
