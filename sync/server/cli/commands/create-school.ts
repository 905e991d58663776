import { createSchool } from '../../services/schools';
import { defineCloudCommand, print, withContext } from '../_shared';

export default defineCloudCommand({
  summary: { zh: '在县里新建一所学校（教学点）', en: 'Create a school (teaching point) in a county' },
  usage: 'teachpoint-cloud create-school --county <countyId> <name>',
  options: { county: { type: 'string' } },
  async run({ values, positionals, io, config }) {
    const school = await withContext(config, (ctx) => createSchool(ctx.db, null, { countyId: values.county as string | undefined, name: positionals[0] ?? '' }));
    print(io, values, school, `${school.id}\t${school.countyName}\t${school.name}`);
    return 0;
  },
});
