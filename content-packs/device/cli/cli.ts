/**
 * `teachpoint` command table (no side effects on import; `main.ts` runs it on process.argv), on
 * tpk's command toolkit: one command per file in ./commands, loaded only when invoked.
 */
import { type ProgramDef, defaultIO, lazyCommand as load, runProgram } from '../../cli/_program';
import type { CliIO } from '../../cli/_shared';

export const TEACHPOINT: ProgramDef = {
  name: 'teachpoint',
  title: 'teachpoint — 教学点课堂设备命令 / TeachPoint device CLI',
  commands: {
    'packs import': { load: load(() => import('./commands/packs-import')), summary: { zh: '校验并导入资源包', en: 'Verify and import packs' } },
    'packs list': { load: load(() => import('./commands/packs-list')), summary: { zh: '列出已安装的资源包', en: 'List installed packs' } },
    'packs remove': { load: load(() => import('./commands/packs-remove')), summary: { zh: '卸载资源包并释放只被它使用的文件', en: 'Uninstall packs and free their unique blobs' } },
    'packs export': { load: load(() => import('./commands/packs-export')), summary: { zh: '把已安装的资源包写成 .tpk 文件', en: 'Write installed packs as .tpk files' } },
    'store scrub': { load: load(() => import('./commands/store-scrub')), summary: { zh: '重新校验资源库，隔离损坏的文件', en: 'Re-hash the store, quarantine bad blobs' } },
    'teacher reset-pin': { load: load(() => import('./commands/teacher-reset-pin')), summary: { zh: '生成一次性教师密码重置码', en: 'Print a one-time teacher PIN reset code' } },
  },
  notes: ['所有命令都接受 --data <dir>（默认：程序数据目录，或环境变量 TEACHPOINT_DATA） / every command takes --data <dir>', ''],
};

export function runCli(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  return runProgram(TEACHPOINT, argv, io);
}
