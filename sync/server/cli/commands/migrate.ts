import { MIGRATIONS } from '../../migrations/index';
import { defineCloudCommand, print, withContext } from '../_shared';

export default defineCloudCommand({
  summary: { zh: '创建或升级数据库表', en: 'Create or upgrade the database schema' },
  usage: 'teachpoint-cloud migrate [--database-url <url> | --data <dir>]',
  options: {},
  async run({ values, io, config }) {
    // openDatabase migrates; report what exists afterwards.
    await withContext(config, async () => undefined);
    print(io, values, { migrations: MIGRATIONS.map((m) => m.id) }, { zh: `数据库已是最新（${MIGRATIONS.length} 个迁移）`, en: `Database is up to date (${MIGRATIONS.length} migrations)` });
    return 0;
  },
});
