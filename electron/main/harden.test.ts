import { EventEmitter } from 'node:events';
import type { App, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { hardenApp, hardenSession, hardenWebContents } from './harden';

function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | null = null;
  const contents = Object.assign(emitter, {
    setWebRTCIPHandlingPolicy: vi.fn(),
    setWindowOpenHandler: (h: typeof openHandler) => void (openHandler = h),
    getURL: () => 'app://teachpoint/',
  });
  const fire = (name: string, ...args: unknown[]) => {
    const event = { preventDefault: vi.fn() };
    emitter.emit(name, event, ...args);
    return event.preventDefault.mock.calls.length > 0;
  };
  return { contents: contents as unknown as WebContents, fire, open: (url: string) => openHandler?.({ url }), webrtc: contents.setWebRTCIPHandlingPolicy };
}

describe('hardenWebContents', () => {
  it('denies every window.open, including app URLs', () => {
    const c = fakeContents();
    hardenWebContents(c.contents);
    expect(c.open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(c.open('app://teachpoint/other')).toEqual({ action: 'deny' });
  });

  it('blocks navigation and redirects off the app origin, allows in-app navigation', () => {
    const c = fakeContents();
    hardenWebContents(c.contents);
    for (const name of ['will-navigate', 'will-redirect']) {
      expect(c.fire(name, 'https://evil.example/'), name).toBe(true);
      expect(c.fire(name, 'file:///etc/passwd'), name).toBe(true);
      expect(c.fire(name, 'app://other/'), name).toBe(true);
      expect(c.fire(name, 'app://teachpoint/library'), name).toBe(false);
    }
  });

  it('gives WebRTC no transport (no UDP/STUN off the device, courseware included)', () => {
    const c = fakeContents();
    hardenWebContents(c.contents);
    expect(c.webrtc).toHaveBeenCalledWith('disable_non_proxied_udp');
  });

  it('never attaches a <webview>', () => {
    const c = fakeContents();
    hardenWebContents(c.contents);
    expect(c.fire('will-attach-webview', {}, {})).toBe(true);
  });
});

describe('hardenApp', () => {
  it('hardens every WebContents created later', () => {
    const appendSwitch = vi.fn();
    const app = Object.assign(new EventEmitter(), { commandLine: { appendSwitch } });
    hardenApp(app as unknown as App);
    expect(appendSwitch).toHaveBeenCalledWith('webrtc-ip-handling-policy', 'disable_non_proxied_udp');
    const c = fakeContents();
    app.emit('web-contents-created', {}, c.contents);
    expect(c.webrtc).toHaveBeenCalledWith('disable_non_proxied_udp');
    expect(c.open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(c.fire('will-navigate', 'https://evil.example/')).toBe(true);
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const emitter = new EventEmitter();
    const spies = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
    };
    return { session: Object.assign(emitter, spies) as unknown as Session, spies, emitter };
  }
  const appContents = { getURL: () => 'app://teachpoint/' };

  it('denies permission requests by default and grants only fullscreen to the app', () => {
    const { session, spies } = fakeSession();
    hardenSession(session);
    const handler = spies.setPermissionRequestHandler.mock.calls[0]?.[0] as (c: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl?: string }) => void;
    const ask = (permission: string, requestingUrl: string) => {
      const cb = vi.fn();
      handler(appContents, permission, cb, { requestingUrl });
      return cb.mock.calls[0]?.[0];
    };
    expect(ask('media', 'app://teachpoint/')).toBe(false);
    expect(ask('geolocation', 'app://teachpoint/')).toBe(false);
    expect(ask('notifications', 'app://teachpoint/')).toBe(false);
    expect(ask('fullscreen', 'app://teachpoint/player')).toBe(true);
    expect(ask('fullscreen', 'https://evil.example/')).toBe(false);
  });

  it('answers permission checks with the same policy, and refuses devices', () => {
    const { session, spies } = fakeSession();
    hardenSession(session);
    const check = spies.setPermissionCheckHandler.mock.calls[0]?.[0] as (c: unknown, p: string, origin: string, d: { requestingUrl?: string }) => boolean;
    expect(check(appContents, 'media', 'app://teachpoint', {})).toBe(false);
    expect(check(appContents, 'fullscreen', 'app://teachpoint', {})).toBe(true);
    expect(check(null, 'fullscreen', 'https://evil.example', {})).toBe(false);
    const device = spies.setDevicePermissionHandler.mock.calls[0]?.[0] as () => boolean;
    expect(device()).toBe(false);
  });

  it('cancels downloads', () => {
    const { session, emitter } = fakeSession();
    hardenSession(session);
    const event = { preventDefault: vi.fn() };
    emitter.emit('will-download', event, { getURL: () => 'app://teachpoint/x.zip' });
    expect(event.preventDefault).toHaveBeenCalled();
  });
});
