import { LIMITS, type Limits } from '../protocol/limits';
import type { Db } from './db/db';
import type { PackEnvironment } from './packs/environment';

/** Everything a route needs, created once per process in the composition root (app.ts). No request state lives here. */
export interface CloudContext {
  db: Db;
  /** Injectable for tests of expiry and lock-out. */
  clock: () => Date;
  /** Base URL devices and exports name this cloud by (enrollment files, xAPI activity ids). */
  publicUrl: string;
  limits: Limits;
  /** `cloud`, or `hub` for a school hub speaking the same protocol. */
  role: 'cloud' | 'hub';
  /** Blob storage and trust roots for the pack routes; without it they answer 503. */
  packs?: PackEnvironment;
}

export type ContextOptions = Partial<Omit<CloudContext, 'db' | 'limits'>> & { limits?: Partial<Limits> };

export function makeContext(db: Db, options: ContextOptions = {}): CloudContext {
  return {
    db,
    clock: options.clock ?? (() => new Date()),
    publicUrl: (options.publicUrl ?? 'http://127.0.0.1:8787').replace(/\/+$/, ''),
    limits: { ...LIMITS, ...options.limits },
    role: options.role ?? 'cloud',
    ...(options.packs ? { packs: options.packs } : {}),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    cloud: CloudContext;
  }
}
