/**
 * The root of a command line built on this toolkit (`tpk`, the device's `teachpoint`): a table of
 * lazily loaded commands — one word (`verify`) or a group and a verb (`packs import`) — global
 * help, per-command help, argument checks and bilingual errors, with one set of exit codes
 * (0 ok, 1 failure or invalid input, 2 usage error).
 */
import type { LocalizedText } from '../../common/errors/errors';
import { type CliIO, type CommandDef, UsageError, checkArgs, commandHelp, helpArg, parseArgv, printError } from './_shared';

export type CommandLoader = () => Promise<{ default: CommandDef }>;

/** `() => import('./commands/x')` as a loader (each command's own argument types widened to the table's). */
export const lazyCommand = (loader: () => Promise<unknown>): CommandLoader => loader as CommandLoader;

export interface ProgramDef {
  /** What the user types: `tpk`, `teachpoint`. */
  name: string;
  /** First line of the global help. */
  title: string;
  /** Printed for `--version`; without it `--version` is an unknown command. */
  version?: string;
  commands: Record<string, { load: CommandLoader; summary: LocalizedText }>;
  /** Extra lines under the command list (options every command takes). */
  notes?: readonly string[];
}

/** The process's own streams, environment and working directory. */
export function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

export function programHelp(program: ProgramDef): string {
  const width = Math.max(9, ...Object.keys(program.commands).map((n) => n.length));
  const lines = [program.title, '', `用法 / Usage: ${program.name} <command> [options]`, '', '命令 / Commands:'];
  for (const [name, c] of Object.entries(program.commands)) lines.push(`  ${name.padEnd(width)} ${c.summary.zh} / ${c.summary.en}`);
  lines.push('', ...(program.notes ?? []), `每个命令的帮助 / Help for a command: ${program.name} <command> --help`);
  return lines.join('\n') + '\n';
}

/** Runs one invocation of `program`; returns the exit code. */
export async function runProgram(program: ProgramDef, argv: readonly string[], io: CliIO): Promise<number> {
  const [first, second] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(programHelp(program));
    return first ? 0 : 2;
  }
  if (program.version !== undefined && (first === '--version' || first === '-v')) {
    io.stdout.write(`${program.version}\n`);
    return 0;
  }
  const group = second !== undefined ? program.commands[`${first} ${second}`] : undefined;
  const entry = group ?? program.commands[first];
  if (!entry) {
    const asked = group === undefined && second !== undefined && !second.startsWith('-') ? `${first} ${second}` : first;
    io.stderr.write(`错误 / Error: 未知命令“${asked}” / unknown command "${asked}"\n\n${programHelp(program)}`);
    return 2;
  }
  const rest = argv.slice(group ? 2 : 1);
  const def = (await entry.load()).default;
  try {
    const { values, positionals } = parseArgv(rest, { ...def.args, ...helpArg });
    if ((values as Record<string, unknown>).help) {
      io.stdout.write(commandHelp(def, program.name));
      return 0;
    }
    checkArgs(def, values as Record<string, unknown>, positionals);
    return await def.run({ values, positionals, io });
  } catch (err) {
    printError(io, err);
    if (err instanceof UsageError) {
      io.stderr.write(`\n${commandHelp(def, program.name)}`);
      return 2;
    }
    return 1;
  }
}
