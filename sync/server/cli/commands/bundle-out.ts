import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { TeachPointError } from '../../../../common/errors/errors';
import { parseCertificate, parsePrivateKeyFile } from '../../../../content-packs/format/trust';
import { readPackIdentity } from '../../../../content-packs/node/pack-identity';
import { fsyncDir, nodeStoreFs, writeFileAtomic } from '../../../../content-packs/store/fs-seam';
import { inboundBundleFileName, type InboundPack } from '../../../protocol/bundle';
import { packEnvironmentFromEnv } from '../../packs/environment';
import { buildInboundBundle, writeReleasedPacks } from '../../services/bundles';
import { schoolInScope } from '../../services/schools';
import { defineCloudCommand, print, withContext } from '../_shared';

export default defineCloudCommand({
  summary: { zh: '为一所学校生成U盘下发包（资源包 + 名单/布置 + 回执），用县级发布者密钥签名', en: 'Write a USB inbound bundle for one school (packs + records + acks), signed with a county publisher key' },
  usage: 'teachpoint-cloud bundle-out --school <schoolId> --key county.key --cert county.cert [--pack extra.tpk …] --out <folder>   (packs released to the school are included)',
  options: { school: { type: 'string' }, key: { type: 'string' }, cert: { type: 'string' }, pack: { type: 'string', multiple: true }, out: { type: 'string' } },
  async run({ values, io, config }) {
    const need = (name: string) => {
      const v = values[name];
      if (typeof v !== 'string' || !v) throw new TeachPointError('cli.missing-option', { zh: `缺少 --${name}。`, en: `--${name} is required.` });
      return resolve(io.cwd, v);
    };
    const key = parsePrivateKeyFile(await fs.readFile(need('key')), need('key'));
    const certificate = parseCertificate(await fs.readFile(need('cert')), need('cert'));
    const packFiles = ((values.pack as unknown as string[] | undefined) ?? []).map((p) => resolve(io.cwd, p));
    const packs: InboundPack[] = [];
    for (const p of packFiles) packs.push(await readPackIdentity(p));
    // The device finds packs and the bundle in the stick's TeachPoint/ folder, where it looks for packs anyway.
    const dir = join(need('out'), 'TeachPoint');
    await fs.mkdir(dir, { recursive: true });
    const schoolId = String(values.school ?? '');
    // Packs first, the bundle file last: a bundle file on the stick means its packs are complete.
    const { bytes, body } = await withContext(config, async (ctx) => {
      await schoolInScope(ctx.db, null, schoolId);
      // Everything released to the school (rebuilt from the cloud's storage), plus the --pack files.
      const released = await writeReleasedPacks(ctx, packEnvironmentFromEnv(io.env, config.dataDir).blobs, schoolId, dir, new Set(packs.map((p) => p.packId)));
      return buildInboundBundle(ctx, null, { schoolId, key, certificate, packs: [...released, ...packs] });
    });
    for (const [i, p] of packFiles.entries()) {
      const target = join(dir, packs[i]!.file);
      if (resolve(p) === resolve(target)) continue;
      const tmp = `${target}.${process.pid}.tmp`;
      await fs.copyFile(p, tmp);
      const fh = await fs.open(tmp, 'r+');
      await fh.sync().finally(() => fh.close());
      await fs.rename(tmp, target);
    }
    await fsyncDir(nodeStoreFs, dir);
    const file = join(dir, inboundBundleFileName(body.school.name, new Date(body.createdAt)));
    await writeFileAtomic(nodeStoreFs, file, bytes, dir);
    const counts = Object.fromEntries(Object.entries(body.pull.changes).map(([k, v]) => [k, (v as unknown[]).length]));
    print(io, values, { file, bundleId: body.bundleId, packs: body.packs.length, changes: counts, acks: body.acks.length }, {
      zh: `已写入 ${file}（${body.packs.length} 个资源包，记录 ${JSON.stringify(counts)}，回执 ${body.acks.length} 台电脑）`,
      en: `Wrote ${file} (${body.packs.length} packs, records ${JSON.stringify(counts)}, acks for ${body.acks.length} computers)`,
    });
    return 0;
  },
});
