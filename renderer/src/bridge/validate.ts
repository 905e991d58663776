import {
  bridgeEvents,
  bridgeMethods,
  type BridgeEventName,
  type BridgeEventPayload,
  type BridgeMethodName,
  type BridgeResponse,
} from '../../../common/bridge/contract';
import type { BridgeResult } from '../../../common/bridge/dispatch';
import { bridgeError } from '../../../common/bridge/errors';
import { TeachPointError, type TeachPointErrorData } from '../../../common/errors/errors';
import { summarizeZodIssues } from '../../../common/errors/zod-issues';

/**
 * The host validates before it answers; the renderer checks again, because a different host build
 * (an older Electron shell, a LAN peer) may be on the other end, and because schemas apply defaults.
 */
export function parseResponse<M extends BridgeMethodName>(method: M, value: unknown): BridgeResponse<M> {
  const parsed = bridgeMethods[method].response.safeParse(value);
  if (!parsed.success) {
    throw bridgeError('bridge.invalid-response', { method, issues: summarizeZodIssues(parsed.error.issues) });
  }
  return parsed.data as BridgeResponse<M>;
}

/** Returns null for a payload that does not match the contract (dropped, logged). */
export function parseEvent<E extends BridgeEventName>(event: E, payload: unknown): BridgeEventPayload<E> | null {
  const parsed = bridgeEvents[event].payload.safeParse(payload);
  if (!parsed.success) {
    console.warn(`[bridge] dropped malformed ${event} event`, parsed.error.issues);
    return null;
  }
  return parsed.data as BridgeEventPayload<E>;
}

function isErrorData(value: unknown): value is TeachPointErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; message?: unknown };
  if (typeof v.code !== 'string' || typeof v.message !== 'object' || v.message === null) return false;
  const m = v.message as { zh?: unknown; en?: unknown };
  return typeof m.zh === 'string' && typeof m.en === 'string';
}

/** `{ok:true,value}` → parsed value; `{ok:false,error}` → thrown TeachPointError; anything else → bridge.transport. */
export function unwrapResult<M extends BridgeMethodName>(method: M, result: unknown): BridgeResponse<M> {
  if (typeof result === 'object' && result !== null && 'ok' in result) {
    const r = result as BridgeResult;
    if (r.ok === true) return parseResponse(method, r.value);
    if (r.ok === false && isErrorData(r.error)) throw TeachPointError.fromData(r.error);
  }
  throw bridgeError('bridge.transport', { method, reason: 'malformed-envelope' });
}

/** Race a promise against a timer; the loser is ignored. Rejects with bridge.timeout. */
export function withTimeout<T>(promise: Promise<T>, ms: number, method: string, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout?.();
      reject(bridgeError('bridge.timeout', { method, timeoutMs: ms }));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
