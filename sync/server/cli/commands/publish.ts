import { basename, resolve } from 'node:path';
import { packEnvironmentFromEnv } from '../../packs/environment';
import { publishPackFile } from '../../packs/publish';
import { defineCloudCommand, print, withContext } from '../_shared';

export default defineCloudCommand({
  summary: { zh: '验证并发布资源包（.tpk）', en: 'Verify and publish a content pack (.tpk)' },
  usage: 'teachpoint-cloud publish <file.tpk> [--data <dir>]   (trusted roots: <data>/trust/*.pub, $TEACHPOINT_TRUST_ROOTS)',
  options: {},
  async run({ values, positionals, io, config }) {
    if (positionals.length === 0) {
      io.stderr.write('错误 / Error: 请指定 .tpk 文件 / name a .tpk file\n');
      return 2;
    }
    const env = packEnvironmentFromEnv(io.env, config.dataDir);
    await withContext(config, async (ctx) => {
      for (const arg of positionals) {
        const file = resolve(io.cwd, arg);
        const r = await publishPackFile(ctx, env, null, file, basename(file));
        print(io, values, r, {
          zh: `${r.alreadyPublished ? '已发布过' : '已发布'}：${r.packId} 第 ${r.version} 版（${r.title['zh-CN']}），新存 ${r.blobsStored}/${r.blobCount} 个文件，${r.bytesStored} 字节`,
          en: `${r.alreadyPublished ? 'Already published' : 'Published'}: ${r.packId} v${r.version}, stored ${r.blobsStored} of ${r.blobCount} blobs, ${r.bytesStored} bytes`,
        });
      }
    });
    return 0;
  },
});
