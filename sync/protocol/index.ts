/** Wire types of the TeachPoint sync protocol (docs/sync-protocol.md). Browser-safe: zod only. */
export * from './version';
export * from './limits';
export * from './errors';
export * from './common';
export * from './enroll';
export * from './push';
export * from './pull';
export * from './store';
export * from './bundle';
