import type { z } from 'zod';
import { appEvents, appMethods } from './methods/app';
import { bundlesMethods } from './methods/bundles';
import { downloadsEvents, downloadsMethods } from './methods/downloads';
import { drivesEvents, drivesMethods } from './methods/drives';
import { lessonsMethods } from './methods/lessons';
import { materialsEvents, materialsMethods } from './methods/materials';
import { packsEvents, packsMethods } from './methods/packs';
import { storageMethods } from './methods/storage';
import { syncMethods } from './methods/sync';
import { teacherMethods } from './methods/teacher';

/**
 * The whole bridge: every request the renderer may make of the machine and every event the
 * machine may send. One feature, one file under ./methods; this map is the only list.
 * Adding a method: docs/architecture.md § "Adding a bridge method".
 */
export const bridgeMethods = {
  ...appMethods,
  ...storageMethods,
  ...drivesMethods,
  ...packsMethods,
  ...lessonsMethods,
  ...materialsMethods,
  ...teacherMethods,
  ...bundlesMethods,
  ...downloadsMethods,
  ...syncMethods,
};

export const bridgeEvents = {
  ...appEvents,
  ...drivesEvents,
  ...packsEvents,
  ...materialsEvents,
  ...downloadsEvents,
};

export type BridgeMethods = typeof bridgeMethods;
export type BridgeEvents = typeof bridgeEvents;
export type BridgeMethodName = keyof BridgeMethods;
export type BridgeEventName = keyof BridgeEvents;
export type BridgeRequest<M extends BridgeMethodName> = z.input<BridgeMethods[M]['request']>;
export type BridgeResponse<M extends BridgeMethodName> = z.output<BridgeMethods[M]['response']>;
export type BridgeEventPayload<E extends BridgeEventName> = z.output<BridgeEvents[E]['payload']>;

export const bridgeMethodNames = Object.keys(bridgeMethods) as BridgeMethodName[];
export const bridgeEventNames = Object.keys(bridgeEvents) as BridgeEventName[];

export function isBridgeMethodName(name: unknown): name is BridgeMethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(bridgeMethods, name);
}

export function isBridgeEventName(name: unknown): name is BridgeEventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(bridgeEvents, name);
}

/** What the host implements once; both transports call it through dispatchBridgeCall. */
export type BridgeHandlers = {
  [M in BridgeMethodName]: (request: z.output<BridgeMethods[M]['request']>) => Promise<BridgeResponse<M>>;
};

/** What the renderer talks to, whichever transport is underneath. */
export interface BridgeClient {
  readonly transport: 'ipc' | 'http';
  call<M extends BridgeMethodName>(method: M, request: BridgeRequest<M>): Promise<BridgeResponse<M>>;
  /** Subscribe to one event stream; returns the unsubscribe function. */
  on<E extends BridgeEventName>(event: E, listener: (payload: BridgeEventPayload<E>) => void): () => void;
}

/** Host side: how handlers publish events; each transport fans them out. */
export interface BridgeEventSink {
  emit<E extends BridgeEventName>(event: E, payload: BridgeEventPayload<E>): void;
}
