import { APP_HOST, APP_ORIGIN, APP_SCHEME, COURSEWARE_URL_PREFIX, MEDIA_SCHEME, MEDIA_URL_PREFIX } from '../../common/origins';

/**
 * Security policy of the shell as pure functions (tested in security.test.ts); harden.ts applies
 * them to Electron objects.
 */

export interface AppCspOptions {
  /**
   * Extra origins the renderer may fetch from, e.g. the provincial sync server
   * (`https://sync.example.gov.cn`). Empty by default: the shell itself needs no network.
   */
  connectOrigins?: readonly string[];
}

/** Content-Security-Policy sent with every `app://teachpoint` response. No 'unsafe-eval', no inline script. */
export function buildAppCsp(options: AppCspOptions = {}): string {
  const media = `${MEDIA_SCHEME}:`;
  for (const origin of options.connectOrigins ?? []) {
    if (!/^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin)) throw new Error(`connect origin must be an https origin, got ${origin}`);
  }
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'", `${APP_SCHEME}:`]],
    ['script-src', ["'self'"]],
    // React sets styles through CSSOM (allowed anyway); inline <style> from the bundler needs this.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:', media]],
    ['media-src', ["'self'", media]],
    ['font-src', ["'self'", 'data:']],
    // The media scheme is here so subtitles/PDF bytes can be fetched; still nothing off the device.
    ['connect-src', ["'self'", media, ...(options.connectOrigins ?? [])]],
    // Courseware (sandboxed by its own CSP) and lesson PDFs shown by Chromium's viewer in a frame.
    ['frame-src', [COURSEWARE_URL_PREFIX, MEDIA_URL_PREFIX]],
    ['worker-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/**
 * CSP for HTML5 courseware: an opaque-origin sandbox (no allow-same-origin, no top navigation,
 * no popups, no forms) that cannot phone out, embeddable only by the app. Inline script is
 * allowed *inside* that sandbox because courseware authoring tools emit it. Same policy as the
 * HTTP transport's COURSEWARE_CSP (electron/host/http/respond.ts), with the media origin spelled out.
 */
export function buildCoursewareCsp(): string {
  const self = `${MEDIA_SCHEME}://${APP_HOST}`;
  // frame-src: courseware may frame its own pages (which get the WebRTC guard) but no data:/blob:
  // documents, whose scripts would run in a fresh realm the guard never sees (courseware-guard.ts).
  return ['sandbox allow-scripts', `default-src ${self} 'unsafe-inline' data: blob:`, "connect-src 'none'", `frame-src ${self}`, "object-src 'none'", `frame-ancestors ${APP_ORIGIN}`].join('; ');
}

/**
 * WebRTC IP handling for every WebContents and, as a switch, for the whole process. Nothing in the app
 * uses WebRTC; with this policy and no proxy configured Chromium gathers no UDP (STUN) and no TCP
 * (TURN) candidates at all, so courseware cannot send a packet off the device through an
 * RTCPeerConnection — from any frame or realm (checked in real Chromium by
 * electron/host/courseware-webrtc.test.ts, which passes the same value as `--webrtc-ip-handling-policy`).
 */
export const WEBRTC_IP_HANDLING_POLICY = 'disable_non_proxied_udp' as const;

/**
 * Parses without throwing; null for anything that is not an absolute URL. (Node's URL gives custom
 * schemes an opaque `origin` of "null", so callers compare protocol + host, never `origin`.)
 */
function parseUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 8192) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * True only for `app://teachpoint/...` URLs: exact scheme and host, no credentials, no port.
 * Everything else (file:, http(s):, app://other, javascript:, data:) is refused.
 */
export function isAllowedAppUrl(raw: unknown): boolean {
  const url = parseUrl(raw);
  if (!url) return false;
  return url.protocol === `${APP_SCHEME}:` && url.hostname === APP_HOST && url.port === '' && url.username === '' && url.password === '';
}

/**
 * Permissions granted at all, and only to the app origin. Fullscreen is needed to put a lesson
 * video on the projector; sanitized clipboard writes let a teacher copy text; persistent storage
 * keeps Chromium from evicting IndexedDB (every learner's record) when the disk runs low — the
 * renderer asks for it at start. Everything else (camera, microphone, geolocation, notifications,
 * HID/serial/USB, …) is denied.
 */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['fullscreen', 'clipboard-sanitized-write', 'persistent-storage']);

export function isPermissionAllowed(permission: string, requestingUrl: string | null | undefined): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isAllowedAppUrl(requestingUrl ?? '');
}
