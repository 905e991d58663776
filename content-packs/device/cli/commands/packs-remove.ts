import { defineCommand, jsonArg } from '../../../cli/_shared';
import { dataArg, openLibrary } from '../_shared';

export default defineCommand({
  meta: { name: 'packs remove', usage: 'packs remove <id>… [--data <dir>] [--json]', description: { zh: '卸载资源包并释放只被它使用的文件', en: 'Uninstall packs and free their unique blobs' } },
  positionals: { min: 1, max: Infinity, names: ['id'] },
  args: { ...dataArg, ...jsonArg },
  async run({ values, positionals, io }) {
    const library = openLibrary(values, io);
    for (const id of positionals) {
      const r = await library.remove(id);
      io.stdout.write((values.json ? JSON.stringify(r) : `已卸载 / removed: ${r.id} v${r.version}, 释放 / freed ${r.bytesFreed} B`) + '\n');
    }
    return 0;
  },
});
