import { z } from 'zod';

export const ProtocolVersionField = z.number().int().positive();
export const IsoTime = z.string().datetime({ offset: true });
/** Opaque to clients: store it, send it back, never parse it. */
export const CursorSchema = z.string().min(1).max(128);

/** What a device tells the server about itself on every push and pull (the dashboard shows it). */
export const DeviceStatusSchema = z.object({
  appVersion: z.string().max(64).optional(),
  /** Events still waiting in the outbox after this request's batch. */
  queuedEvents: z.number().int().min(0).optional(),
  /** Outbox rows of any kind still waiting. */
  queuedRecords: z.number().int().min(0).optional(),
  /** Bytes of released packs the device still has to download. */
  bytesToDownload: z.number().int().min(0).optional(),
  /** Packs installed on the device (pack id → version). */
  installedPacks: z.array(z.object({ packId: z.string().min(1).max(128), version: z.number().int().min(0) })).max(1000).optional(),
});
export type DeviceStatus = z.infer<typeof DeviceStatusSchema>;

/** `GET /api/v1/hello` — no auth; a cheap reachability probe and capability answer. */
export const HelloResponseSchema = z.object({
  protocolVersion: ProtocolVersionField,
  supported: z.array(z.number().int()),
  /** A provincial cloud, or a school hub relaying to one. */
  role: z.enum(['cloud', 'hub']),
  serverTime: IsoTime,
  limits: z.object({
    pushMaxWireBytes: z.number().int(),
    pushMaxJsonBytes: z.number().int(),
    pushMaxItems: z.number().int(),
    pullMaxLimit: z.number().int(),
  }),
});
export type HelloResponse = z.infer<typeof HelloResponseSchema>;

