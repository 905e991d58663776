/** Starts one cloud process (`npm run cloud`, `teachpoint-cloud serve`). */
import type { FastifyInstance } from 'fastify';
import { buildCloudApp } from './app';
import { openDatabase, type CloudConfig } from './config';
import type { Db } from './db/db';
import { packEnvironmentFromEnv } from './packs/environment';

export interface RunningCloud {
  app: FastifyInstance;
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function startCloud(config: CloudConfig, options: { logger?: boolean } = {}): Promise<RunningCloud> {
  const db = await openDatabase(config);
  const packs = packEnvironmentFromEnv(process.env, config.dataDir);
  const app = await buildCloudApp({ db, publicUrl: config.publicUrl, packs, logger: options.logger ?? false });
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
