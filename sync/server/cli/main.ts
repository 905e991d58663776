/**
 * `teachpoint-cloud` — run and administer the provincial cloud. bin/teachpoint-cloud.mjs imports this
 * file through tsx. Commands are one file each under commands/, loaded lazily; another module adds
 * one with a line in COMMANDS (e.g. `ingest` for USB bundles).
 */
import { formatBilingual, isTeachPointError } from '../../../common/errors/errors';
import { configFor, parse, type CloudCliIO, type CloudCommand } from './_shared';

type Loader = () => Promise<{ default: CloudCommand }>;
export const COMMANDS: Record<string, Loader> = {
  serve: () => import('./commands/serve'),
  migrate: () => import('./commands/migrate'),
  'create-county': () => import('./commands/create-county'),
  'create-school': () => import('./commands/create-school'),
  'create-account': () => import('./commands/create-account'),
  'enroll-code': () => import('./commands/enroll-code'),
  'enrollment-file': () => import('./commands/enrollment-file'),
  'export-xapi': () => import('./commands/export-xapi'),
  publish: () => import('./commands/publish'),
  release: () => import('./commands/release'),
  'first-run': () => import('./commands/first-run'),
  ingest: () => import('./commands/ingest'),
  'bundle-out': () => import('./commands/bundle-out'),
};

async function help(io: CloudCliIO): Promise<void> {
  const lines = ['teachpoint-cloud — 教学点课堂省级云端 / TeachPoint provincial cloud', '', '用法 / Usage: teachpoint-cloud [command] [options]', ''];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const c = (await load()).default;
    lines.push(`  ${name.padEnd(16)} ${c.summary.zh} / ${c.summary.en}`, `  ${''.padEnd(16)} ${c.usage}`);
  }
  lines.push('', '环境变量 / Environment: DATABASE_URL, TEACHPOINT_CLOUD_DATA, PORT, HOST, PUBLIC_URL');
  io.stdout.write(lines.join('\n') + '\n');
}

export async function runCloudCli(argv: readonly string[], io: CloudCliIO): Promise<number> {
  const first = argv[0];
  if (first === '--help' || first === '-h' || first === 'help') {
    await help(io);
    return 0;
  }
  const name = first && !first.startsWith('-') ? first : 'serve';
  const rest = first && !first.startsWith('-') ? argv.slice(1) : argv;
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`错误 / Error: 未知命令“${name}” / unknown command "${name}"\n`);
    await help(io);
    return 2;
  }
  const command = (await load()).default;
  try {
    const { values, positionals } = parse(rest, command.options);
    if (values.help) {
      io.stdout.write(`${command.usage}\n${formatBilingual(command.summary)}\n`);
      return 0;
    }
    return await command.run({ values: values as Record<string, string | boolean | undefined>, positionals, io, config: configFor(values, io) });
  } catch (error) {
    if (isTeachPointError(error)) {
      io.stderr.write(`错误 / Error [${error.code}]: ${formatBilingual(error.localized)}\n`);
      return 1;
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`错误 / Error: ${(error as Error).message}\n${command.usage}\n`);
      return 2;
    }
    throw error;
  }
}
