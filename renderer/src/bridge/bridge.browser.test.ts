import { describe, expect, it, vi } from 'vitest';
import type { BridgeResult } from '../../../common/bridge/dispatch';
import type { TeachPointPreloadApi } from '../../../common/bridge/preload-api';
import { TeachPointError } from '../../../common/errors/errors';
import { sampleInfo } from '../test/fake-bridge';
import { ElectronPlatform } from '../platform/electron-platform';
import { WebPlatform } from '../platform/web-platform';
import { HttpBridge } from './http-bridge';
import { getPreloadApi, IpcBridge } from './ipc-bridge';
import { takeBridgeToken, TOKEN_STORAGE_KEY } from './token';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

async function caught(p: Promise<unknown>): Promise<TeachPointError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TeachPointError);
    return err as TeachPointError;
  }
  throw new Error('expected a rejection');
}

/** Minimal EventSource stand-in the test can drive. */
class FakeEventSource extends EventTarget {
  static instances: FakeEventSource[] = [];
  readyState = 0;
  closed = false;
  constructor(readonly url: string) {
    super();
    FakeEventSource.instances.push(this);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  send(event: string, data: string) {
    this.dispatchEvent(new MessageEvent(event, { data }));
  }
  fail() {
    this.readyState = 2;
    this.dispatchEvent(new Event('error'));
  }
}

describe('HttpBridge', () => {
  it('POSTs /api/bridge/<method> with the bearer token and JSON body, and returns the validated value', async () => {
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => jsonResponse(200, { ok: true, value: sampleInfo }));
    const bridge = new HttpBridge({ token: 's3cret', fetchImpl: fetchImpl as unknown as typeof fetch, baseUrl: 'http://127.0.0.1:9/' });
    await expect(bridge.call('app.info', {})).resolves.toEqual(sampleInfo);
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(url).toBe('http://127.0.0.1:9/api/bridge/app.info');
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer s3cret');
    expect(init?.body).toBe('{}');
  });

  it('turns an error envelope (any HTTP status) into a TeachPointError with the same code and messages', async () => {
    const error = { code: 'bridge.unauthorized', message: { zh: '令牌无效', en: 'Bad token' } };
    const bridge = new HttpBridge({ token: 'x', fetchImpl: (async () => jsonResponse(401, { ok: false, error })) as typeof fetch });
    const err = await caught(bridge.call('packs.list', {}));
    expect(err.code).toBe('bridge.unauthorized');
    expect(err.localized).toEqual(error.message);
  });

  it('times out every call: bridge.timeout, and the request is aborted', async () => {
    let signal: AbortSignal | undefined;
    const fetchImpl = ((_url: string, init: RequestInit) => {
      signal = init.signal ?? undefined;
      return new Promise<Response>((_res, rej) => init.signal?.addEventListener('abort', () => rej(new DOMException('aborted', 'AbortError'))));
    }) as unknown as typeof fetch;
    const bridge = new HttpBridge({ token: 'x', fetchImpl });
    const err = await caught(bridge.call('app.info', {}, { timeoutMs: 30 }));
    expect(err.code).toBe('bridge.timeout');
    expect(err.localized.zh).toMatch(/没有及时响应/);
    expect(signal?.aborted).toBe(true);
  });

  it('maps network failures, non-JSON bodies and malformed values to bridge codes', async () => {
    const down = new HttpBridge({ token: 'x', fetchImpl: (async () => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch });
    expect((await caught(down.call('app.info', {}))).code).toBe('bridge.transport');
    const html = new HttpBridge({ token: 'x', fetchImpl: (async () => new Response('<html>', { status: 502 })) as typeof fetch });
    expect((await caught(html.call('app.info', {}))).code).toBe('bridge.transport');
    const bad = new HttpBridge({ token: 'x', fetchImpl: (async () => jsonResponse(200, { ok: true, value: { version: 1 } })) as typeof fetch });
    expect((await caught(bad.call('app.info', {}))).code).toBe('bridge.invalid-response');
  });

  it('uses one EventSource with the token, validates payloads (defaults applied) and drops malformed ones', async () => {
    FakeEventSource.instances = [];
    const bridge = new HttpBridge({ token: 'a b', fetchImpl: fetch, EventSourceImpl: FakeEventSource as unknown as typeof EventSource });
    const drives = vi.fn();
    const beats = vi.fn();
    bridge.on('drives.changed', drives);
    bridge.on('app.heartbeat', beats);
    expect(FakeEventSource.instances).toHaveLength(1);
    const es = FakeEventSource.instances[0]!;
    expect(es.url).toBe('/api/events?token=a%20b');
    es.send('drives.changed', JSON.stringify({ drives: [] }));
    expect(drives).toHaveBeenCalledWith({ drives: [], arrived: [], left: [] });
    es.send('drives.changed', JSON.stringify({ drives: 'nope' }));
    es.send('app.heartbeat', 'not json');
    expect(drives).toHaveBeenCalledTimes(1);
    expect(beats).not.toHaveBeenCalled();
    es.send('app.heartbeat', JSON.stringify({ at: '2026-01-01T00:00:00Z' }));
    expect(beats).toHaveBeenCalledTimes(1);
    bridge.dispose();
    expect(es.closed).toBe(true);
  });

  it('replays the last heartbeat to a listener that subscribes after it arrived', async () => {
    FakeEventSource.instances = [];
    const bridge = new HttpBridge({ token: 't', fetchImpl: fetch, EventSourceImpl: FakeEventSource as unknown as typeof EventSource });
    bridge.on('app.willQuit', () => {}); // opens the stream
    FakeEventSource.instances[0]!.send('app.heartbeat', JSON.stringify({ at: 'first' }));
    const late = vi.fn();
    bridge.on('app.heartbeat', late);
    await Promise.resolve();
    expect(late).toHaveBeenCalledWith({ at: 'first' });
    // Not replayed: one-shot events.
    FakeEventSource.instances[0]!.send('drives.packsFound', JSON.stringify({ driveId: 'd', packs: [] }));
    const lateDrives = vi.fn();
    bridge.on('drives.packsFound', lateDrives);
    await Promise.resolve();
    expect(lateDrives).not.toHaveBeenCalled();
    bridge.dispose();
  });

  it('reopens the stream after it is closed for good (e.g. host restarted)', async () => {
    vi.useFakeTimers();
    try {
      FakeEventSource.instances = [];
      const bridge = new HttpBridge({ token: 't', fetchImpl: fetch, EventSourceImpl: FakeEventSource as unknown as typeof EventSource, reconnectMs: 1000 });
      const beats = vi.fn();
      bridge.on('app.heartbeat', beats);
      FakeEventSource.instances[0]!.fail();
      vi.advanceTimersByTime(1000);
      expect(FakeEventSource.instances).toHaveLength(2);
      FakeEventSource.instances[1]!.send('app.heartbeat', JSON.stringify({ at: 'now' }));
      expect(beats).toHaveBeenCalledTimes(1);
      bridge.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('IpcBridge', () => {
  function fakeApi(call: (method: string, payload: unknown) => Promise<BridgeResult>) {
    const subs = new Map<string, (p: unknown) => void>();
    const api: TeachPointPreloadApi = {
      apiVersion: 1,
      call,
      subscribe: (event, listener) => {
        subs.set(event, listener);
        return () => subs.delete(event);
      },
    };
    return { api, subs };
  }

  it('calls through window.teachpoint and unwraps results and errors', async () => {
    const { api } = fakeApi(async (method) =>
      method === 'app.info' ? { ok: true, value: sampleInfo } : { ok: false, error: { code: 'pack.bad-signature', message: { zh: '签名无效', en: 'Bad signature' } } },
    );
    const bridge = new IpcBridge(api);
    await expect(bridge.call('app.info', {})).resolves.toEqual(sampleInfo);
    expect((await caught(bridge.call('packs.import', { path: '/x.tpk' }))).code).toBe('pack.bad-signature');
  });

  it('times out a call the main process never answers', async () => {
    const { api } = fakeApi(() => new Promise(() => {}));
    expect((await caught(new IpcBridge(api).call('app.info', {}, { timeoutMs: 20 }))).code).toBe('bridge.timeout');
  });

  it('validates event payloads and unsubscribes', () => {
    const { api, subs } = fakeApi(async () => ({ ok: true, value: {} }));
    const bridge = new IpcBridge(api);
    const listener = vi.fn();
    const off = bridge.on('app.willQuit', listener);
    subs.get('app.willQuit')!({ deadlineMs: 'soon' });
    subs.get('app.willQuit')!({ deadlineMs: 3000 });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith({ deadlineMs: 3000 });
    off();
    expect(subs.has('app.willQuit')).toBe(false);
  });

  it('is detected only when the preload global has the right shape', () => {
    expect(getPreloadApi({} as Window)).toBeNull();
    expect(getPreloadApi({ teachpoint: { call: 1 } } as unknown as Window)).toBeNull();
    const { api } = fakeApi(async () => ({ ok: true, value: {} }));
    expect(getPreloadApi({ teachpoint: api } as unknown as Window)).toBe(api);
  });
});

describe('token from the URL fragment', () => {
  it('moves #token=… to sessionStorage and strips it from the address bar', () => {
    const store = new Map<string, string>();
    const replaced: string[] = [];
    const token = takeBridgeToken({
      location: { hash: '#token=abc%2Fdef', pathname: '/', search: '' },
      history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
      storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
    });
    expect(token).toBe('abc/def');
    expect(store.get(TOKEN_STORAGE_KEY)).toBe('abc/def');
    expect(replaced).toEqual(['/#/']);
  });

  it('falls back to the stored token after a reload (fragment already gone)', () => {
    const token = takeBridgeToken({
      location: { hash: '#/teacher', pathname: '/', search: '' },
      history: { state: null, replaceState: () => {} },
      storage: { getItem: () => 'saved', setItem: () => {} },
    });
    expect(token).toBe('saved');
  });
});

describe('platforms', () => {
  const sha = 'a'.repeat(64);
  it('web media URLs carry the token; electron ones use the media scheme; both refuse non-hashes', () => {
    const web = new WebPlatform(new HttpBridge({ token: 't k' }), 't k');
    expect(web.mediaUrl(sha)).toBe(`/media/${sha}?token=t%20k`);
    expect(() => web.mediaUrl('../etc/passwd')).toThrow();
    expect(web.supportsSafeModeSwitch()).toBe(false);
    const electron = new ElectronPlatform(new HttpBridge({ token: null }));
    expect(electron.mediaUrl(sha)).toBe(`tp-media://teachpoint/media/${sha}`);
    expect(electron.supportsSafeModeSwitch()).toBe(true);
  });
});
