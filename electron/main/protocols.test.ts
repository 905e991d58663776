import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Protocol, ProtocolRequest } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { MediaResolver } from '../../common/media/media';
import { registerPrivilegedSchemes, registerProtocols } from './protocols';
import type { StreamProtocolResponse } from './protocol-reply';

const root = mkdtempSync(path.join(tmpdir(), 'tp-proto-'));
const rendererRoot = path.join(root, 'renderer');
mkdirSync(rendererRoot);
writeFileSync(path.join(rendererRoot, 'index.html'), '<!doctype html><p>教学点</p>');
const video = Buffer.from('0123456789abcdefghij');
const sha = createHash('sha256').update(video).digest('hex');
writeFileSync(path.join(root, sha), video);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const media: MediaResolver = { resolve: async (h) => (h === sha ? { path: path.join(root, sha), size: video.length, mime: 'video/mp4', sha256: sha } : null) };
const deps = { rendererRoot, media, appCsp: "default-src 'self' app:" };

describe('registerPrivilegedSchemes', () => {
  it('registers app: (standard, secure, fetch, CORS) and the media scheme (also streaming) in one call', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerPrivilegedSchemes({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    expect(registerSchemesAsPrivileged.mock.calls[0]?.[0]).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
      { scheme: 'tp-media', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
    ]);
  });
});

describe('registerProtocols on current Electron (protocol.handle)', () => {
  type Handler = (request: Request) => Promise<Response>;
  const handlers = new Map<string, Handler>();
  const registerStreamProtocol = vi.fn();
  const protocol = { handle: (scheme: string, handler: Handler) => handlers.set(scheme, handler), registerStreamProtocol } as unknown as Protocol;

  it('uses protocol.handle for both schemes when it exists', () => {
    expect(registerProtocols(protocol, deps)).toBe('handle');
    expect([...handlers.keys()]).toEqual(['app', 'tp-media']);
    expect(registerStreamProtocol).not.toHaveBeenCalled();
  });

  it('serves the renderer with the app CSP', async () => {
    const response = await handlers.get('app')!(new Request('app://teachpoint/library'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(deps.appCsp);
    expect(await response.text()).toContain('教学点');
  });

  it('serves media ranges as 206', async () => {
    const response = await handlers.get('tp-media')!(new Request(`tp-media://teachpoint/media/${sha}`, { headers: { Range: 'bytes=10-' } }));
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 10-19/20');
    expect(await response.text()).toBe('abcdefghij');
  });
});

describe('registerProtocols on Electron 22 (registerStreamProtocol)', () => {
  type StreamHandler = (request: ProtocolRequest, callback: (response: StreamProtocolResponse) => void) => void;
  const handlers = new Map<string, StreamHandler>();
  const protocol = {
    registerStreamProtocol: (scheme: string, handler: StreamHandler) => {
      handlers.set(scheme, handler);
      return true;
    },
  } as unknown as Protocol;

  function call(scheme: string, request: Partial<ProtocolRequest>): Promise<StreamProtocolResponse> {
    return new Promise((resolve) => handlers.get(scheme)!({ method: 'GET', headers: {}, referrer: '', ...request } as ProtocolRequest, resolve));
  }

  async function body(response: StreamProtocolResponse): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of response.data) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }

  it('falls back to stream protocols when protocol.handle is missing', () => {
    expect(registerProtocols(protocol, deps)).toBe('stream');
    expect([...handlers.keys()]).toEqual(['app', 'tp-media']);
  });

  it('serves the renderer and media ranges with the same statuses and headers', async () => {
    const page = await call('app', { url: 'app://teachpoint/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['Content-Security-Policy']).toBe(deps.appCsp);
    expect(await body(page)).toContain('教学点');

    const range = await call('tp-media', { url: `tp-media://teachpoint/media/${sha}`, headers: { Range: 'bytes=0-3' } });
    expect(range.statusCode).toBe(206);
    expect(range.headers['Content-Range']).toBe('bytes 0-3/20');
    expect(await body(range)).toBe('0123');

    const missing = await call('tp-media', { url: `tp-media://teachpoint/media/${'f'.repeat(64)}` });
    expect(missing.statusCode).toBe(404);
  });

  it('turns a resolver failure into a 500, not an unhandled rejection', async () => {
    const failing = new Map<string, StreamHandler>();
    registerProtocols({ registerStreamProtocol: (s: string, h: StreamHandler) => failing.set(s, h) } as unknown as Protocol, {
      ...deps,
      media: { resolve: () => Promise.reject(new Error('store offline')) },
    });
    const response = await new Promise<StreamProtocolResponse>((resolve) =>
      failing.get('tp-media')!({ url: `tp-media://teachpoint/media/${sha}`, method: 'GET', headers: {}, referrer: '' } as ProtocolRequest, resolve),
    );
    expect(response.statusCode).toBe(500);
  });
});
