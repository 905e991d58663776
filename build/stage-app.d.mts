export declare function appPackageJson(): Record<string, unknown>;
export declare function stageApp(options?: { out?: string; rendererDir?: string | null; log?: (message: string) => void }): Promise<string>;
