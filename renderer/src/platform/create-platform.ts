import { HttpBridge } from '../bridge/http-bridge';
import type { RendererBridge } from '../bridge/types';
import type { BasePlatform } from './base-platform';
import { ElectronPlatform } from './electron-platform';
import { WebPlatform } from './web-platform';

let current: BasePlatform | null = null;

/**
 * Decide, once, where we run (element-web's preparePlatform + PlatformPeg): the bridge chosen by
 * createBridge() tells us — IPC → ElectronPlatform, HTTP → WebPlatform.
 */
export function preparePlatform(bridge: RendererBridge): BasePlatform {
  if (current) return current;
  current = bridge instanceof HttpBridge ? new WebPlatform(bridge, bridge.token) : new ElectronPlatform(bridge);
  return current;
}

/** The platform chosen by preparePlatform. */
export function getPlatform(): BasePlatform {
  if (!current) throw new Error('preparePlatform() has not run');
  return current;
}
