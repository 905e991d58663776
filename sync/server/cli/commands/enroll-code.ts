import { createEnrollmentCode } from '../../services/enrollment';
import { defineCloudCommand, print, withContext } from '../_shared';

export default defineCloudCommand({
  summary: { zh: '为学校生成一次性登记码', en: 'Make a one-time enrollment code for a school' },
  usage: 'teachpoint-cloud enroll-code --school <schoolId> [--days 7]',
  options: { school: { type: 'string' }, days: { type: 'string' } },
  async run({ values, io, config }) {
    const days = values.days ? Number(values.days) : undefined;
    const code = await withContext(config, (ctx) => createEnrollmentCode(ctx, null, String(values.school ?? ''), days ? days * 86400 : undefined));
    print(io, values, code, `${code.code}\t(${code.expiresAt})`);
    return 0;
  },
});
