/** tpk diff <old.tpk> <new.tpk> [--json] → blobs added/removed and the bytes a device holding the old must transfer */
import { resolve } from 'node:path';
import { diffManifests } from '../../build/summary';
import { defineCommand, formatBytes, jsonArg } from '../_shared';
import { readPackManifest } from '../_pack';

export default defineCommand({
  meta: {
    name: 'diff',
    usage: 'diff <old.tpk> <new.tpk> [--json]',
    description: { zh: '比较同一资源包的两个版本：新增/删除的数据块，以及已装旧版的设备需要传输的字节数。', en: 'Compare two versions of a pack: blobs added/removed and the bytes a device holding the old version must transfer.' },
  },
  positionals: { min: 2, max: 2, names: ['old.tpk', 'new.tpk'] },
  args: { ...jsonArg },
  async run({ values, positionals, io }) {
    const a = await readPackManifest(resolve(io.cwd, positionals[0]!));
    const b = await readPackManifest(resolve(io.cwd, positionals[1]!));
    const d = diffManifests(a.manifest, b.manifest);
    if (values.json) {
      io.stdout.write(JSON.stringify(d, null, 2) + '\n');
      return 0;
    }
    const out: string[] = [];
    out.push(`${d.old.id} v${d.old.version} → ${d.new.id} v${d.new.version}`);
    if (!d.samePack) out.push('  注意：两个文件不是同一个资源包（id 不同）/ note: these are different packs (ids differ)');
    else if (!d.versionIncreases) out.push('  注意：新版本号没有增大，设备不会把它当作更新 / note: the version does not increase; devices will not treat it as an update');
    out.push(`  新增数据块 / blobs added:   ${d.blobs.added.length} (${formatBytes(d.transferBytes)})`);
    for (const x of d.blobs.added.slice(0, 20)) out.push(`    + ${x.sha256.slice(0, 16)}…  ${x.mime.padEnd(16)} ${formatBytes(x.size)}`);
    out.push(`  删除数据块 / blobs removed: ${d.blobs.removed.length} (${formatBytes(d.blobs.removed.reduce((n, x) => n + x.size, 0))})`);
    for (const x of d.blobs.removed.slice(0, 20)) out.push(`    - ${x.sha256.slice(0, 16)}…  ${x.mime.padEnd(16)} ${formatBytes(x.size)}`);
    out.push(`  未变 / unchanged: ${d.blobs.kept} (${formatBytes(d.blobs.keptBytes)})`);
    out.push(`  资源 / resources: +${d.resources.added.length} −${d.resources.removed.length} ~${d.resources.changed.length}`);
    out.push(`  已装旧版的设备需传输 / a device with the old version transfers: ${formatBytes(d.transferBytes)} (${d.transferBytes} bytes) of ${formatBytes(d.fullBytes)}`);
    io.stdout.write(out.join('\n') + '\n');
    return 0;
  },
});
