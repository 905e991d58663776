/** The `tpk` root: command table with lazy imports (STYLE §5), global help, error printing. */
import { type CliIO, type CommandDef, UsageError, checkArgs, commandHelp, parseArgv, printError } from './_shared';

type Loader = () => Promise<{ default: CommandDef }>;

export const COMMANDS: Record<string, { load: Loader; summary: { zh: string; en: string } }> = {
  keygen: { load: () => import('./commands/keygen') as Promise<{ default: CommandDef }>, summary: { zh: '生成 Ed25519 密钥对', en: 'Generate an Ed25519 key pair' } },
  certify: { load: () => import('./commands/certify') as Promise<{ default: CommandDef }>, summary: { zh: '用根密钥为县级公钥签发证书', en: 'Certify a county public key with the root key' } },
  build: { load: () => import('./commands/build') as Promise<{ default: CommandDef }>, summary: { zh: '把素材文件夹打包并签名为 .tpk', en: 'Build and sign a .tpk from a source folder' } },
  verify: { load: () => import('./commands/verify') as Promise<{ default: CommandDef }>, summary: { zh: '校验资源包的签名、证书和每个文件', en: 'Verify a pack: signature, certificate, every blob' } },
  inspect: { load: () => import('./commands/inspect') as Promise<{ default: CommandDef }>, summary: { zh: '查看资源包内容', en: 'Show what a pack contains' } },
  diff: { load: () => import('./commands/diff') as Promise<{ default: CommandDef }>, summary: { zh: '比较两个版本，计算需要传输的字节', en: 'Compare two versions: bytes a device must transfer' } },
};

function globalHelp(): string {
  const lines = ['tpk — 教学点课堂资源包工具 / TeachPoint content pack tool', '', '用法 / Usage: tpk <command> [options]', '', '命令 / Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(9)} ${c.summary.zh} / ${c.summary.en}`);
  lines.push('', '每个命令的帮助 / Help for a command: tpk <command> --help');
  return lines.join('\n') + '\n';
}

export function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Runs one tpk invocation; returns the exit code (0 ok, 1 failure/invalid, 2 usage error). */
export async function runCli(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(globalHelp());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('tpk (teachpoint-pack/1)\n');
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`错误 / Error: 未知命令“${name}” / unknown command "${name}"\n\n${globalHelp()}`);
    return 2;
  }
  const def = (await entry.load()).default;
  try {
    const { values, positionals } = parseArgv(rest, { ...def.args, help: { type: 'boolean', short: 'h', description: { zh: '显示帮助', en: 'Show help' } } });
    if ((values as Record<string, unknown>).help) {
      io.stdout.write(commandHelp(def));
      return 0;
    }
    checkArgs(def, values as Record<string, unknown>, positionals);
    return await def.run({ values, positionals, io });
  } catch (err) {
    printError(io, err);
    if (err instanceof UsageError) {
      io.stderr.write(`\n${commandHelp(def)}`);
      return 2;
    }
    return 1;
  }
}
