import { resolve } from 'node:path';
import { flag, flags, has, openLibrary, UsageError, type Command } from '../_shared';

const command: Command = {
  usage: 'teachpoint packs export <id>… --to <dir> [--data <dir>] [--trust <root.pub>]…',
  summary: '把已安装的资源包写成 .tpk 文件（如写到U盘） / write installed packs as .tpk files',
  flags: { values: ['to', 'trust'], booleans: [] },
  async run(args, io) {
    const to = flag(args, 'to');
    if (args.positionals.length === 0 || !to) throw new UsageError(`用法 / usage: ${this.usage}`);
    const r = await openLibrary(args, flags(args, 'trust')).export(args.positionals, resolve(to));
    for (const f of r.files) io.out(has(args, 'json') ? JSON.stringify(f) : `已导出并校验 / exported and verified: ${f.id} v${f.version} → ${f.path} (${f.bytes} B)`);
    return 0;
  },
};
export default command;
