/**
 * The command toolkit of both command lines, `tpk` and the device's `teachpoint` (nuxt/cli style,
 * STYLE §5): the command shape, a tiny argument parser (Node 16 has no util.parseArgs in its
 * typings; we need very little), common flags, and bilingual output helpers. Files starting with
 * "_" are not commands.
 */
import { readFile } from 'node:fs/promises';
import { TeachPointError, formatBilingual, isTeachPointError, type LocalizedText } from '../../common/errors/errors';

export interface ArgDef {
  type: 'string' | 'boolean';
  short?: string;
  description: LocalizedText;
  /** Shown in help as the value name, e.g. <dir>. */
  valueName?: string;
  required?: boolean;
  /** A string option that may be given more than once (`--trust a.pub --trust b.pub`): its value is a list. */
  multiple?: boolean;
}
export type ArgDefs = Record<string, ArgDef>;

export type ParsedValues<A extends ArgDefs> = {
  [K in keyof A]?: A[K]['type'] extends 'boolean' ? boolean : A[K]['multiple'] extends true ? string[] : string;
};

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface CommandContext<A extends ArgDefs> {
  values: ParsedValues<A>;
  positionals: string[];
  io: CliIO;
}

export interface CommandDef<A extends ArgDefs = ArgDefs> {
  /** `usage` without the program name (`inspect <pack.tpk> [--json]`, `packs list [--json]`). */
  meta: { name: string; usage: string; description: LocalizedText };
  args: A;
  positionals?: { min: number; max: number; names: string[] };
  /** Returns the exit code. */
  run(ctx: CommandContext<A>): Promise<number>;
}

export function defineCommand<A extends ArgDefs>(def: CommandDef<A>): CommandDef<A> {
  return def;
}

export const helpArg = {
  help: { type: 'boolean', short: 'h', description: { zh: '显示帮助', en: 'Show help' } },
} as const satisfies ArgDefs;

export const jsonArg = {
  json: { type: 'boolean', description: { zh: '输出 JSON（供脚本使用）', en: 'Print JSON (for scripts)' } },
} as const satisfies ArgDefs;

export class UsageError extends TeachPointError {
  constructor(message: LocalizedText) {
    super('cli.usage', message);
  }
}

/** `--name value`, `--name=value`, `-n value`, booleans `--flag`, `--` ends options. */
export function parseArgv<A extends ArgDefs>(argv: readonly string[], defs: A): { values: ParsedValues<A>; positionals: string[] } {
  const values: Record<string, string | string[] | boolean> = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, def] of Object.entries(defs)) if (def.short) byShort.set(def.short, name);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq >= 0) inline = arg.slice(eq + 1);
    } else if (arg.startsWith('-') && arg.length === 2) {
      name = byShort.get(arg[1]!);
      if (!name) throw new UsageError({ zh: `未知选项：${arg}`, en: `Unknown option: ${arg}` });
    } else {
      positionals.push(arg);
      continue;
    }
    const def = defs[name];
    if (!def) throw new UsageError({ zh: `未知选项：--${name}`, en: `Unknown option: --${name}` });
    if (def.type === 'boolean') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) throw new UsageError({ zh: `--${name} 不接受取值`, en: `--${name} takes no value` });
      values[name] = inline === undefined ? true : inline === 'true';
    } else {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError({ zh: `--${name} 需要一个值`, en: `--${name} needs a value` });
      values[name] = def.multiple ? [...((values[name] as string[] | undefined) ?? []), v] : v;
    }
  }
  return { values: values as ParsedValues<A>, positionals };
}

export function commandHelp(def: CommandDef, program = 'tpk'): string {
  const lines = [`${program} ${def.meta.usage}`, '', `  ${def.meta.description.zh}`, `  ${def.meta.description.en}`, ''];
  const opts = Object.entries(def.args);
  if (opts.length > 0) {
    lines.push('选项 / Options:');
    for (const [name, a] of opts) {
      const flag = `${a.short ? `-${a.short}, ` : '    '}--${name}${a.type === 'string' ? ` <${a.valueName ?? 'value'}>${a.multiple ? '…' : ''}` : ''}`;
      lines.push(`  ${flag.padEnd(30)} ${a.description.zh} / ${a.description.en}${a.required ? ' (必填 / required)' : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Checks required options and positional counts; throws UsageError. */
export function checkArgs(def: CommandDef, values: Record<string, unknown>, positionals: string[]): void {
  for (const [name, a] of Object.entries(def.args)) {
    if (a.required && (values[name] === undefined || values[name] === '')) {
      throw new UsageError({ zh: `缺少必填选项 --${name}`, en: `Missing required option --${name}` });
    }
  }
  const p = def.positionals ?? { min: 0, max: 0, names: [] };
  if (positionals.length < p.min) {
    throw new UsageError({ zh: `缺少参数 ${p.names.slice(positionals.length, p.min).map((n) => `<${n}>`).join(' ')}`, en: `Missing argument ${p.names.slice(positionals.length, p.min).map((n) => `<${n}>`).join(' ')}` });
  }
  if (positionals.length > p.max) {
    throw new UsageError({ zh: `多余的参数：${positionals.slice(p.max).join(' ')}`, en: `Unexpected argument(s): ${positionals.slice(p.max).join(' ')}` });
  }
}

/** Prints an error the bilingual way: "错误 / Error [code]: 中文 / English", then up to 10 of its problems. */
export function printError(io: CliIO, err: unknown): void {
  if (isTeachPointError(err)) {
    io.stderr.write(`错误 / Error [${err.code}]: ${formatBilingual(err.localized)}\n`);
    const problems = err.details?.['problems'];
    if (Array.isArray(problems)) {
      for (const p of problems.slice(0, 10) as Array<{ code: string; path?: string; message: LocalizedText }>) {
        io.stderr.write(`  - ${p.code}${p.path ? ` ${p.path}` : ''}: ${p.message.zh} / ${p.message.en}\n`);
      }
    }
  } else {
    const e = err as Error;
    io.stderr.write(`错误 / Error: ${e?.stack ?? String(err)}\n`);
  }
}

/** Reads a text file or throws a bilingual `cli.file-unreadable`. */
export async function readTextFile(path: string, what: LocalizedText): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new TeachPointError(
      'cli.file-unreadable',
      { zh: `无法读取${what.zh}：${path}（${code}）。请检查路径是否正确。`, en: `Cannot read ${what.en}: ${path} (${code}). Check the path.` },
      { file: path, errno: code },
    );
  }
}

// One formatBytes for the app and the command lines.
export { formatBytes } from '../../common/format/bytes';
