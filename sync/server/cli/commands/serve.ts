import { startCloud } from '../../server';
import { defineCloudCommand } from '../_shared';

export default defineCloudCommand({
  summary: { zh: '启动云端服务（默认命令）', en: 'Run the cloud server (the default command)' },
  usage: 'teachpoint-cloud serve [--port 8787] [--host 127.0.0.1] [--data <dir> | --database-url <postgres://…>]',
  options: { port: { type: 'string' }, host: { type: 'string' }, quiet: { type: 'boolean' } },
  async run({ values, io, config }) {
    const cfg = { ...config };
    if (typeof values.host === 'string') cfg.host = values.host;
    if (typeof values.port === 'string') cfg.port = Number(values.port);
    if (!values['public-url'] && !io.env.PUBLIC_URL) cfg.publicUrl = `http://${cfg.host}:${cfg.port}`;
    const cloud = await startCloud(cfg, { logger: !values.quiet });
    const where = cfg.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite ${cfg.dataDir}`;
    io.stdout.write(`教学点云端已启动 / TeachPoint cloud listening on ${cloud.url} — ${where}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await cloud.close();
    return 0;
  },
});
