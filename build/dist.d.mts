export declare const LINES: Record<'classic' | 'current', { overlay: string | null; platforms: string[] }>;
export declare function overlay(base: unknown, top: unknown): unknown;
export declare function lineConfig(line: 'classic' | 'current', overrides?: Record<string, unknown>, dir?: string): Record<string, any>;
export declare function writeLineConfig(line: 'classic' | 'current', file: string, overrides?: Record<string, unknown>, dir?: string): string;
