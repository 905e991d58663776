/** Shared pieces of `teachpoint-cloud` commands (STYLE §5: one command per file, lazy-loaded). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatBilingual, type LocalizedText } from '../../../common/errors/errors';
import { configFromEnv, openDatabase, type CloudConfig } from '../config';
import { makeContext, type CloudContext } from '../context';

export interface CloudCliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CloudCommand {
  summary: LocalizedText;
  usage: string;
  options: Options;
  /** Returns the exit code. */
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[]; io: CloudCliIO; config: CloudConfig }): Promise<number>;
}

export const defineCloudCommand = (c: CloudCommand): CloudCommand => c;

/** Options every command takes (override the environment). */
export const COMMON_OPTIONS = {
  'database-url': { type: 'string' },
  data: { type: 'string' },
  'public-url': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export function parse(argv: readonly string[], options: Options) {
  return parseArgs({ args: [...argv], options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
}

export function configFor(values: Record<string, unknown>, io: CloudCliIO): CloudConfig {
  const env = { ...io.env };
  if (typeof values['database-url'] === 'string') env.DATABASE_URL = values['database-url'];
  if (typeof values.data === 'string') env.TEACHPOINT_CLOUD_DATA = values.data;
  if (typeof values['public-url'] === 'string') env.PUBLIC_URL = values['public-url'];
  return configFromEnv(env, io.cwd);
}

/** Opens the database, runs `fn` with a context, closes. */
export async function withContext<T>(config: CloudConfig, fn: (ctx: CloudContext) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    return await fn(makeContext(db, { publicUrl: config.publicUrl }));
  } finally {
    await db.close();
  }
}

export function print(io: CloudCliIO, values: Record<string, unknown>, json: unknown, text: LocalizedText | string): void {
  io.stdout.write((values.json ? JSON.stringify(json, null, 2) : typeof text === 'string' ? text : formatBilingual(text)) + '\n');
}
