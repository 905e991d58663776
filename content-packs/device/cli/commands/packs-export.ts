import { resolve } from 'node:path';
import { defineCommand, jsonArg } from '../../../cli/_shared';
import { dataArg, openLibrary, trustArg } from '../_shared';

export default defineCommand({
  meta: {
    name: 'packs export',
    usage: 'packs export <id>… --to <dir> [--data <dir>] [--trust <root.pub>]… [--json]',
    description: { zh: '把已安装的资源包写成 .tpk 文件（如写到U盘）', en: 'Write installed packs as .tpk files (e.g. to a USB stick)' },
  },
  positionals: { min: 1, max: Infinity, names: ['id'] },
  args: {
    to: { type: 'string', required: true, valueName: 'dir', description: { zh: '写到哪个文件夹', en: 'Folder to write to' } },
    ...dataArg,
    ...trustArg,
    ...jsonArg,
  },
  async run({ values, positionals, io }) {
    const r = await openLibrary(values, io).export(positionals, resolve(io.cwd, values.to!));
    for (const f of r.files) io.stdout.write((values.json ? JSON.stringify(f) : `已导出并校验 / exported and verified: ${f.id} v${f.version} → ${f.path} (${f.bytes} B)`) + '\n');
    return 0;
  },
});
