import { createAccount } from '../../services/accounts';
import { defineCloudCommand, print, withContext } from '../_shared';

export default defineCloudCommand({
  summary: { zh: '新建管理员账号（省级或县级）', en: 'Create a staff account (province or county admin)' },
  usage: 'teachpoint-cloud create-account --username <name> --role province-admin|county-admin [--county <countyId>]  (password from TEACHPOINT_PASSWORD or --password)',
  options: { username: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, county: { type: 'string' }, 'display-name': { type: 'string' } },
  async run({ values, io, config }) {
    const role = values.role === 'county-admin' ? 'county-admin' : 'province-admin';
    const password = (values.password as string | undefined) ?? io.env.TEACHPOINT_PASSWORD ?? '';
    const account = await withContext(config, (ctx) =>
      createAccount(ctx.db, { username: String(values.username ?? ''), password, role, countyId: (values.county as string | undefined) ?? null, displayName: values['display-name'] as string | undefined }),
    );
    print(io, values, account, `${account.id}\t${account.username}\t${account.role}`);
    return 0;
  },
});
