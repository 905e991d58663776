import { releasePacks, withdrawRelease } from '../../packs/releases';
import { defineCloudCommand, print, withContext } from '../_shared';

export default defineCloudCommand({
  summary: { zh: '把资源包发布给学校（或撤回）', en: 'Release a pack version to schools (or withdraw it)' },
  usage:
    'teachpoint-cloud release (--pack <packId> [--version <n>] | --stage <学段> [--subject <学科>] [--edition <版本>]) (--school <schoolId>... | --county <countyId>) [--withdraw]',
  options: {
    pack: { type: 'string' },
    version: { type: 'string' },
    stage: { type: 'string' },
    subject: { type: 'string' },
    edition: { type: 'string' },
    school: { type: 'string', multiple: true },
    county: { type: 'string' },
    withdraw: { type: 'boolean' },
  },
  async run({ values, io, config }) {
    const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
    const version = str('version') === undefined ? undefined : Number(str('version'));
    const schools = { schoolIds: values.school as unknown as string[] | undefined, countyId: str('county') };
    if (values.withdraw) {
      if (!str('pack') || version === undefined) {
        io.stderr.write('错误 / Error: 撤回需要 --pack 和 --version / --withdraw needs --pack and --version\n');
        return 2;
      }
      const r = await withContext(config, (ctx) => withdrawRelease(ctx, null, { packId: str('pack')!, version }, schools));
      print(io, values, r, { zh: `已撤回 ${r.withdrawn} 所学校的发布`, en: `Withdrawn from ${r.withdrawn} schools` });
      return 0;
    }
    const r = await withContext(config, (ctx) =>
      releasePacks(ctx, null, { packId: str('pack'), version, stage: str('stage'), subject: str('subject'), edition: str('edition') }, schools),
    );
    const lines = r.released.map((x) => `${x.packId} v${x.version} → ${x.schoolIds.length}`);
    print(io, values, r, { zh: `已发布：${lines.join('；') || '无'}（未变 ${r.unchanged}）`, en: `Released: ${lines.join('; ') || 'none'} (unchanged ${r.unchanged})` });
    return 0;
  },
});
