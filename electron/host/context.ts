import type { BridgeEventSink, BridgeHandlers } from '../../common/bridge/contract';
import type { MediaResolver } from '../../common/media/media';

/** Everything a host feature needs from its surroundings; built once in the composition root. */
export interface HostContext {
  /** Root of all device data (content store, pack index, settings, logs). */
  dataDir: string;
  /** Fan-out of host → renderer events to every connected transport. */
  events: BridgeEventSink;
  shell: 'electron' | 'browser';
  electronVersion: string | null;
  safeMode: boolean;
  appVersion: string;
}

/**
 * A host feature (packs, drives, …): a slice of the bridge handlers plus its lifecycle.
 * The composition root merges every feature's handlers into one BridgeHandlers object.
 */
export interface HostFeature<K extends keyof BridgeHandlers = keyof BridgeHandlers> {
  handlers: Pick<BridgeHandlers, K>;
  /** Present on the feature that owns the content store; transports serve /media/<sha256> through it. */
  media?: MediaResolver;
  /** Stop timers/watchers and flush state; called on quit. */
  dispose(): Promise<void>;
}
