import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { BridgeHandlers } from '../../common/bridge/contract';
import { dispatchBridgeCall, type BridgeResult } from '../../common/bridge/dispatch';
import { bridgeError } from '../../common/bridge/errors';
import { IPC_CHANNELS } from '../../common/bridge/preload-api';
import type { HostEvent } from '../host/events';
import { isAllowedAppUrl } from './security';

/** What main knows about the frame behind an IPC message, read defensively (frames die). */
export interface SenderFrameInfo {
  /** false when there is no frame any more (navigated away, crashed, closed). */
  alive: boolean;
  /** The frame is the top-level frame of its WebContents. */
  isMainFrame: boolean;
  /** The WebContents is the app window's (not a devtools, webview or stray window). */
  isAppWindow: boolean;
  url: string;
}

/** Pure: only the app window's main frame, on the app origin, may use the bridge. */
export function isTrustedSender(frame: SenderFrameInfo): boolean {
  return frame.alive && frame.isMainFrame && frame.isAppWindow && isAllowedAppUrl(frame.url);
}

/**
 * Reads the sender frame of an invoke event. `senderFrame` is null on current Electron when the
 * frame is gone, and throws on Electron 22 when it was disposed — both mean "not trusted".
 */
export function describeSender(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>, appWindow: WebContents | null): SenderFrameInfo {
  const dead: SenderFrameInfo = { alive: false, isMainFrame: false, isAppWindow: false, url: '' };
  try {
    const frame = event.senderFrame;
    if (!frame) return dead;
    // isDestroyed()/detached exist on current Electron only; Electron 22 throws on a disposed frame instead.
    const lifecycle = frame as { isDestroyed?: () => boolean; detached?: boolean };
    if (lifecycle.isDestroyed?.() === true || lifecycle.detached === true) return dead;
    const sender = event.sender;
    const isAppWindow = appWindow !== null && !appWindow.isDestroyed() && sender.id === appWindow.id;
    const main = isAppWindow ? appWindow.mainFrame : null;
    const isMainFrame = main !== null && frame.parent === null && frame.processId === main.processId && frame.routingId === main.routingId;
    return { alive: true, isMainFrame, isAppWindow, url: frame.url };
  } catch {
    return dead;
  }
}

/**
 * The ONE way the bridge is registered on ipcMain: sender checked first (an untrusted sender never
 * reaches a handler), then dispatchBridgeCall validates method, payload and response. Always
 * resolves with a BridgeResult — errors are data, never thrown across the process hop.
 * Returns the function that unregisters it.
 */
export function registerBridgeIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: BridgeHandlers,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  ipcMain.handle(IPC_CHANNELS.call, async (event: IpcMainInvokeEvent, method: unknown, payload: unknown): Promise<BridgeResult> => {
    let trusted = false;
    try {
      trusted = isTrusted(event);
    } catch {
      trusted = false;
    }
    if (!trusted) return { ok: false, error: bridgeError('bridge.forbidden-sender', { method: typeof method === 'string' ? method : null }).toData() };
    return dispatchBridgeCall(handlers, method, payload);
  });
  return () => ipcMain.removeHandler(IPC_CHANNELS.call);
}

export interface IpcEventTarget {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * The host's event hub as main sees it (electron/host/events.ts EventHub). The hub has validated
 * every payload against the contract, once, before any transport hears it (docs/architecture.md §2),
 * so IPC forwards events as they come instead of checking them a second time.
 */
export interface BridgeEventSource {
  subscribe(listener: (event: HostEvent) => void): () => void;
}

/**
 * Subscribes the IPC transport to the host's events: each goes as `{ event, payload }` to the
 * targets still alive (the app window). Returns the unsubscribe function.
 */
export function forwardEventsToIpc(source: BridgeEventSource, targets: () => readonly IpcEventTarget[]): () => void {
  return source.subscribe((event) => {
    for (const target of targets()) {
      if (!target.isDestroyed()) target.send(IPC_CHANNELS.event, { event: event.name, payload: event.payload });
    }
  });
}
