import { TeachPointError, type TeachPointErrorData } from '../errors/errors';
import { bridgeMethods, isBridgeMethodName, type BridgeHandlers } from './contract';
import { bridgeError } from './errors';
import { summarizeZodIssues } from '../errors/zod-issues';

export type BridgeResult = { ok: true; value: unknown } | { ok: false; error: TeachPointErrorData };

/**
 * The one place a bridge call is checked and run, shared by the IPC and HTTP transports:
 * unknown method → refused; payload validated against the contract; handler errors become
 * TeachPointErrorData (5xx-style details are never leaked); the response is validated too,
 * so a host bug cannot hand the renderer malformed data.
 */
export async function dispatchBridgeCall(handlers: BridgeHandlers, method: unknown, payload: unknown): Promise<BridgeResult> {
  if (!isBridgeMethodName(method)) {
    return { ok: false, error: bridgeError('bridge.unknown-method', { method: String(method) }).toData() };
  }
  const spec = bridgeMethods[method];
  const parsed = spec.request.safeParse(payload ?? {});
  if (!parsed.success) {
    return { ok: false, error: bridgeError('bridge.invalid-request', { method, issues: summarizeZodIssues(parsed.error.issues) }).toData() };
  }
  let value: unknown;
  try {
    const handler = handlers[method] as (req: unknown) => Promise<unknown>;
    value = await handler(parsed.data);
  } catch (err) {
    if (err instanceof TeachPointError) return { ok: false, error: err.toData() };
    return { ok: false, error: bridgeError('bridge.internal', { method }).toData() };
  }
  const checked = spec.response.safeParse(value);
  if (!checked.success) {
    return { ok: false, error: bridgeError('bridge.invalid-response', { method, issues: summarizeZodIssues(checked.error.issues) }).toData() };
  }
  return { ok: true, value: checked.data };
}
