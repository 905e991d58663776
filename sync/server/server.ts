/** Starts one cloud process (`npm run cloud`, `teachpoint-cloud serve`). */
import type { FastifyInstance } from 'fastify';
import { buildCloudApp } from './app';
import { openDatabase, type CloudConfig } from './config';
import type { Db } from './db/db';

export interface RunningCloud {
  app: FastifyInstance;
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function startCloud(config: CloudConfig, options: { logger?: boolean } = {}): Promise<RunningCloud> {
  const db = await openDatabase(config);
  const app = await buildCloudApp({ db, publicUrl: config.publicUrl, logger: options.logger ?? false });
  const address = await app.listen({ host: config.host, port: config.port });
  return {
    app,
    db,
    url: address,
    async close() {
      await app.close();
      await db.close();
    },
  };
}
