/**
 * `teachpoint` command dispatch (no side effects on import; `main.ts` runs it on process.argv).
 */
import { parseArgs, processIo, reportError, type Command, type Io } from './_shared';

/** Lazy so only the invoked command loads. */
const COMMANDS: Record<string, () => Promise<{ default: Command }>> = {
  'packs import': () => import('./commands/packs-import'),
  'packs list': () => import('./commands/packs-list'),
  'packs remove': () => import('./commands/packs-remove'),
  'packs export': () => import('./commands/packs-export'),
  'store scrub': () => import('./commands/store-scrub'),
  'teacher reset-pin': () => import('./commands/teacher-reset-pin'),
};

async function help(io: Io): Promise<void> {
  io.out('教学点课堂设备命令 / TeachPoint device CLI');
  io.out('所有命令都接受 --data <dir>（默认：程序数据目录，或环境变量 TEACHPOINT_DATA） / every command takes --data <dir>');
  for (const load of Object.values(COMMANDS)) {
    const c = (await load()).default;
    io.out(`  ${c.usage}\n      ${c.summary}`);
  }
}

export async function runCli(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [group, verb, ...rest] = argv;
  if (!group || group === 'help' || group === '--help' || group === '-h') {
    await help(io);
    return group ? 0 : 2;
  }
  const load = COMMANDS[`${group} ${verb ?? ''}`];
  if (!load) {
    io.err(`未知命令 / unknown command: ${[group, verb].filter(Boolean).join(' ')}`);
    await help(io);
    return 2;
  }
  try {
    const command = (await load()).default;
    const args = parseArgs(rest, command.flags);
    if (args.flags.has('help')) {
      io.out(`${command.usage}\n  ${command.summary}`);
      return 0;
    }
    return await command.run(args, io);
  } catch (err) {
    return reportError(io, err);
  }
}
