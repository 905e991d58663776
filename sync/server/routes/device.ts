/** Routes a device calls (docs/sync-protocol.md §2–5). A school hub would serve the same ones. */
import type { FastifyPluginAsync } from 'fastify';
import { EnrollRequestSchema } from '../../protocol/enroll';
import type { HelloResponse } from '../../protocol/common';
import { PullRequestSchema, type PullResponse } from '../../protocol/pull';
import { PushRequestSchema } from '../../protocol/push';
import { API_PREFIX, DEVICE_ROUTES, PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '../../protocol/version';
import { authDevice, rateLimited } from '../auth/auth';
import { boundedBody, parseBody, tooLarge } from '../body';
import { enrollWithCode } from '../services/enrollment';
import { saveDeviceStatus } from '../services/device-status';
import { pullPage } from '../services/pull';
import { ingestPush } from '../services/push';
import { hitRateLimit } from '../services/rate';

export const deviceRoutes: FastifyPluginAsync = async (app) => {
  const ctx = app.cloud;

  app.get(API_PREFIX + DEVICE_ROUTES.hello, async (): Promise<HelloResponse> => ({
    protocolVersion: PROTOCOL_VERSION,
    supported: [...SUPPORTED_PROTOCOL_VERSIONS],
    role: ctx.role,
    serverTime: ctx.clock().toISOString(),
    limits: {
      pushMaxWireBytes: ctx.limits.pushMaxWireBytes,
      pushMaxJsonBytes: ctx.limits.pushMaxJsonBytes,
      pushMaxItems: ctx.limits.pushMaxItems,
      pullMaxLimit: ctx.limits.pullMaxLimit,
    },
  }));

  app.post(API_PREFIX + DEVICE_ROUTES.enroll, async (req, reply) => {
    // Guessing codes is throttled per client address (shared by every instance through the DB).
    const wait = await hitRateLimit(ctx.db, `enroll:${req.ip}`, ctx.limits.enrollAttemptsPerWindow, ctx.limits.addressWindowSeconds, ctx.clock());
    if (wait > 0) throw rateLimited(wait);
    const body = parseBody(req, EnrollRequestSchema);
    const answer = await enrollWithCode(ctx, body.code, body.device);
    return reply.code(201).send(answer);
  });

  app.post(
    API_PREFIX + DEVICE_ROUTES.push,
    { bodyLimit: ctx.limits.pushMaxJsonBytes, preParsing: boundedBody(ctx.limits.pushMaxWireBytes) },
    async (req) => {
      const device = await authDevice(ctx, req);
      const body = parseBody(req, PushRequestSchema);
      const items = body.events.length + (body.records.classes?.length ?? 0) + (body.records.learners?.length ?? 0) + (body.records.assignments?.length ?? 0);
      if (items > ctx.limits.pushMaxItems) throw tooLarge(ctx.limits.pushMaxItems, 'items');
      return ingestPush(ctx, device, body);
    },
  );

  app.post(API_PREFIX + DEVICE_ROUTES.pull, { preParsing: boundedBody(64 * 1024) }, async (req): Promise<PullResponse> => {
    const device = await authDevice(ctx, req);
    const body = parseBody(req, PullRequestSchema);
    const limit = Math.min(body.limit ?? ctx.limits.pullDefaultLimit, ctx.limits.pullMaxLimit);
    const page = await pullPage(ctx, device, body.cursor, limit);
    await saveDeviceStatus(ctx.db, device.deviceId, 'pull', ctx.clock(), body.status);
    return { protocolVersion: PROTOCOL_VERSION, changes: page.changes, cursor: page.cursor, more: page.more, serverTime: ctx.clock().toISOString() };
  });
};
