/** The `tpk` root: its command table (lazy imports, STYLE §5) on the shared program runner. */
import { type CliIO } from './_shared';
import { type ProgramDef, defaultIO, lazyCommand as load, runProgram } from './_program';

export const TPK: ProgramDef = {
  name: 'tpk',
  title: 'tpk — 教学点课堂资源包工具 / TeachPoint content pack tool',
  version: 'tpk (teachpoint-pack/1)',
  commands: {
    keygen: { load: load(() => import('./commands/keygen')), summary: { zh: '生成 Ed25519 密钥对', en: 'Generate an Ed25519 key pair' } },
    certify: { load: load(() => import('./commands/certify')), summary: { zh: '用根密钥为县级公钥签发证书', en: 'Certify a county public key with the root key' } },
    build: { load: load(() => import('./commands/build')), summary: { zh: '把素材文件夹打包并签名为 .tpk', en: 'Build and sign a .tpk from a source folder' } },
    verify: { load: load(() => import('./commands/verify')), summary: { zh: '校验资源包的签名、证书和每个文件', en: 'Verify a pack: signature, certificate, every blob' } },
    inspect: { load: load(() => import('./commands/inspect')), summary: { zh: '查看资源包内容', en: 'Show what a pack contains' } },
    diff: { load: load(() => import('./commands/diff')), summary: { zh: '比较两个版本，计算需要传输的字节', en: 'Compare two versions: bytes a device must transfer' } },
  },
};

/** Runs one tpk invocation; returns the exit code (0 ok, 1 failure/invalid, 2 usage error). */
export function runCli(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  return runProgram(TPK, argv, io);
}
