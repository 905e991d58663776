import { defineCommand, formatBytes, jsonArg } from '../../../cli/_shared';
import { dataArg, openLibrary } from '../_shared';

export default defineCommand({
  meta: { name: 'packs list', usage: 'packs list [--data <dir>] [--json]', description: { zh: '列出已安装的资源包', en: 'List installed packs' } },
  args: { ...dataArg, ...jsonArg },
  async run({ values, io }) {
    const packs = await openLibrary(values, io).list();
    if (values.json) {
      io.stdout.write(JSON.stringify(packs, null, 2) + '\n');
      return 0;
    }
    if (packs.length === 0) io.stdout.write('没有已安装的资源包 / no packs installed\n');
    for (const p of packs) io.stdout.write(`${p.id}\tv${p.version}\t${formatBytes(p.bytes)}\t${p.resourceCount} 资源/resources\t${p.title['zh-CN']}\n`);
    return 0;
  },
});
