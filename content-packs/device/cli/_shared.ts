import { resolve } from 'node:path';
import { formatBilingual, isTeachPointError } from '../../../common/errors/errors';
import { defaultDataDir } from '../data-dir';
import { PackLibrary } from '../pack-library';

/** Parsed command line: positionals plus `--flag value` / `--flag` (repeatable flags collect into arrays). */
export interface Args {
  positionals: string[];
  flags: Map<string, string[]>;
}

export interface FlagSpec {
  /** Flags that take a value (everything else is boolean). */
  values: readonly string[];
  booleans: readonly string[];
}

/** Flags every command accepts. */
export const SHARED_FLAGS: FlagSpec = { values: ['data'], booleans: ['help', 'json'] };

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: FlagSpec): Args {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  const values = new Set([...spec.values, ...SHARED_FLAGS.values]);
  const booleans = new Set([...spec.booleans, ...SHARED_FLAGS.booleans]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (values.has(name)) {
        const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`--${name} 需要一个值 / --${name} needs a value`);
        flags.set(name, [...(flags.get(name) ?? []), v]);
      } else if (booleans.has(name) && eq < 0) {
        flags.set(name, ['true']);
      } else {
        throw new UsageError(`未知选项 / unknown option: --${name}`);
      }
    } else {
      positionals.push(a);
    }
  }
  return { positionals, flags };
}

export const flag = (args: Args, name: string): string | undefined => args.flags.get(name)?.slice(-1)[0];
export const flags = (args: Args, name: string): string[] => args.flags.get(name) ?? [];
export const has = (args: Args, name: string): boolean => args.flags.has(name);

export function dataDirOf(args: Args): string {
  return resolve(flag(args, 'data') ?? defaultDataDir());
}

export function openLibrary(args: Args, extraTrust: string[] = []): PackLibrary {
  return new PackLibrary({ dataDir: dataDirOf(args), trustedRootFiles: extraTrust.map((f) => resolve(f)) });
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Overwrite the current terminal line (TTY only); no-op elsewhere. */
  status: (line: string) => void;
  isTTY: boolean;
}

export function processIo(): Io {
  const isTTY = Boolean(process.stderr.isTTY);
  let statusShown = false;
  const clear = () => {
    if (statusShown) {
      process.stderr.write('\r\x1b[K');
      statusShown = false;
    }
  };
  return {
    out: (line) => {
      clear();
      process.stdout.write(line + '\n');
    },
    err: (line) => {
      clear();
      process.stderr.write(line + '\n');
    },
    status: (line) => {
      if (!isTTY) return;
      process.stderr.write('\r\x1b[K' + line);
      statusShown = true;
    },
    isTTY,
  };
}

/** Print an error the way every command does: code + "中文 / English"; returns the exit code. */
export function reportError(io: Io, err: unknown): number {
  if (err instanceof UsageError) {
    io.err(err.message);
    return 2;
  }
  if (isTeachPointError(err)) {
    io.err(`错误 / error [${err.code}]: ${formatBilingual(err.localized)}`);
    const problems = err.details?.['problems'];
    if (Array.isArray(problems)) {
      for (const p of problems.slice(0, 10) as Array<{ code: string; path?: string; message: { zh: string; en: string } }>) {
        io.err(`  - ${p.code}${p.path ? ` ${p.path}` : ''}: ${p.message.zh} / ${p.message.en}`);
      }
    }
    return 1;
  }
  io.err(`错误 / error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return 1;
}

export interface Command {
  usage: string;
  summary: string;
  flags: FlagSpec;
  run(args: Args, io: Io): Promise<number>;
}
