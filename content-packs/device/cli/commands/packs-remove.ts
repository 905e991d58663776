import { has, openLibrary, UsageError, type Command } from '../_shared';

const command: Command = {
  usage: 'teachpoint packs remove <id>… [--data <dir>]',
  summary: '卸载资源包并释放只被它使用的文件 / uninstall packs and free their unique blobs',
  flags: { values: [], booleans: [] },
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError(`用法 / usage: ${this.usage}`);
    const library = openLibrary(args);
    for (const id of args.positionals) {
      const r = await library.remove(id);
      io.out(has(args, 'json') ? JSON.stringify(r) : `已卸载 / removed: ${r.id} v${r.version}, 释放 / freed ${r.bytesFreed} B`);
    }
    return 0;
  },
};
export default command;
