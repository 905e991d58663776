import { createCounty } from '../../services/schools';
import { defineCloudCommand, print, withContext } from '../_shared';

export default defineCloudCommand({
  summary: { zh: '新建一个县', en: 'Create a county' },
  usage: 'teachpoint-cloud create-county <name>',
  options: {},
  async run({ values, positionals, io, config }) {
    const county = await withContext(config, (ctx) => createCounty(ctx.db, null, positionals[0] ?? ''));
    print(io, values, county, `${county.id}\t${county.name}`);
    return 0;
  },
});
