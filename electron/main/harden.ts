import type { App, Session, WebContents } from 'electron';
import { isAllowedAppUrl, isPermissionAllowed, WEBRTC_IP_HANDLING_POLICY } from './security';

/**
 * Applies security.ts's policy to Electron objects. Every WebContents — the app window and any
 * other that might appear (devtools, a webview someone smuggles in) — gets the same treatment
 * through `web-contents-created`.
 */
export function hardenWebContents(contents: WebContents, log: (message: string) => void = () => {}): void {
  // No WebRTC transport (courseware could otherwise send STUN/UDP off the device); see security.ts.
  contents.setWebRTCIPHandlingPolicy(WEBRTC_IP_HANDLING_POLICY);
  // No new windows, ever; and never shell.openExternal for a URL the page chose.
  contents.setWindowOpenHandler(({ url }) => {
    log(`[security] blocked window.open ${url}`);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedAppUrl(url)) {
      event.preventDefault();
      log(`[security] blocked navigation to ${url}`);
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedAppUrl(url)) {
      event.preventDefault();
      log(`[security] blocked redirect to ${url}`);
    }
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('[security] blocked <webview>');
  });
}

export function hardenApp(app: Pick<App, 'on' | 'commandLine'>, log?: (message: string) => void): void {
  // The same WebRTC policy process-wide, before any renderer exists (the per-WebContents call repeats it).
  app.commandLine.appendSwitch('webrtc-ip-handling-policy', WEBRTC_IP_HANDLING_POLICY);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
}

/** Deny-by-default permissions, no device access, no downloads. */
export function hardenSession(session: Session, log: (message: string) => void = () => {}): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    const allowed = isPermissionAllowed(permission, details.requestingUrl || contents.getURL());
    if (!allowed) log(`[security] denied permission ${permission}`);
    callback(allowed);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    return isPermissionAllowed(permission, details.requestingUrl || requestingOrigin);
  });
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event, item) => {
    event.preventDefault();
    log(`[security] blocked download ${item.getURL()}`);
  });
}
