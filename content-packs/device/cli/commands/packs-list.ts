import { has, openLibrary, type Command } from '../_shared';
import { formatBytes } from '../../../cli/_shared';

const command: Command = {
  usage: 'teachpoint packs list [--data <dir>] [--json]',
  summary: '列出已安装的资源包 / list installed packs',
  flags: { values: [], booleans: [] },
  async run(args, io) {
    const packs = await openLibrary(args).list();
    if (has(args, 'json')) {
      io.out(JSON.stringify(packs, null, 2));
      return 0;
    }
    if (packs.length === 0) io.out('没有已安装的资源包 / no packs installed');
    for (const p of packs) io.out(`${p.id}\tv${p.version}\t${formatBytes(p.bytes)}\t${p.resourceCount} 资源/resources\t${p.title['zh-CN']}`);
    return 0;
  },
};
export default command;
