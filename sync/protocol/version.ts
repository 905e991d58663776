/**
 * Protocol identity. Every request carries `TeachPoint-Protocol: <PROTOCOL_VERSION>`; every JSON
 * body that crosses the wire also carries `protocolVersion`. Rules (docs/sync-protocol.md §Versioning):
 * - additive changes (a new optional field, a new record kind, a new error code) keep the version;
 *   readers ignore unknown fields of envelopes and unknown `changes` kinds;
 * - anything an old reader would misread bumps the version; a server answers a version it does not
 *   speak with 426 `protocol.unsupported-version` and lists what it speaks.
 */
export const PROTOCOL_VERSION = 1;
/** Versions this code can serve (a server) or speak (a client). */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1];

export const PROTOCOL_HEADER = 'teachpoint-protocol';
/** All protocol routes live under this prefix (`/api/v1/push`, …). */
export const API_PREFIX = '/api/v1';

/** Routes both a cloud and a school hub serve to devices (paths after API_PREFIX). */
export const DEVICE_ROUTES = {
  hello: '/hello',
  enroll: '/enroll',
  push: '/push',
  pull: '/pull',
  bundles: '/bundles',
} as const;
