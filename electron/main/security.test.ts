import { describe, expect, it } from 'vitest';
import { buildAppCsp, buildCoursewareCsp, isAllowedAppUrl, isPermissionAllowed } from './security';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name = '', ...sources] = d.trim().split(/\s+/);
      return [name, sources] as [string, string[]];
    }),
  );
}

describe('buildAppCsp', () => {
  const csp = directives(buildAppCsp());

  it('limits every fetch directive to the app and media schemes', () => {
    expect(csp.get('default-src')).toEqual(["'self'", 'app:']);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('media-src')).toEqual(["'self'", 'tp-media:']);
    expect(csp.get('img-src')).toEqual(expect.arrayContaining(["'self'", 'data:', 'tp-media:']));
    expect(csp.get('connect-src')).toEqual(["'self'", 'tp-media:']);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('frames only the courseware prefix and media blobs (lesson PDFs)', () => {
    expect(csp.get('frame-src')).toEqual(['tp-media://teachpoint/courseware/', 'tp-media://teachpoint/media/']);
  });

  it('never allows eval or inline script, nor http(s), file: or wildcards anywhere', () => {
    const text = buildAppCsp();
    expect(text).not.toContain('unsafe-eval');
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    expect(text).not.toMatch(/https?:|file:|\*/);
  });

  it('adds only well-formed https origins for the sync server', () => {
    expect(directives(buildAppCsp({ connectOrigins: ['https://sync.example.cn'] })).get('connect-src')).toContain('https://sync.example.cn');
    expect(() => buildAppCsp({ connectOrigins: ['http://sync.example.cn'] })).toThrow();
    expect(() => buildAppCsp({ connectOrigins: ["https://x.cn 'unsafe-eval'"] })).toThrow();
  });
});

describe('buildCoursewareCsp', () => {
  it('sandboxes courseware into an opaque origin that only the app may embed', () => {
    const csp = directives(buildCoursewareCsp());
    expect(csp.get('sandbox')).toEqual(['allow-scripts']);
    expect(buildCoursewareCsp()).not.toContain('allow-same-origin');
    expect(buildCoursewareCsp()).not.toContain('allow-top-navigation');
    expect(csp.get('frame-ancestors')).toEqual(['app://teachpoint']);
    expect(csp.get('connect-src')).toEqual(["'none'"]);
    expect(buildCoursewareCsp()).not.toContain('unsafe-eval');
  });
});

describe('isAllowedAppUrl', () => {
  it.each(['app://teachpoint/', 'app://teachpoint', 'app://teachpoint/library/grade-3?x=1#top', 'app://teachpoint/assets/index-abc.js'])('allows %s', (url) => {
    expect(isAllowedAppUrl(url)).toBe(true);
  });

  it.each([
    'file:///etc/passwd',
    'file:///C:/Windows/win.ini',
    'http://evil.example/',
    'https://teachpoint/',
    'app://other/',
    'app://teachpoint.evil.example/',
    'app://teachpoint:8080/',
    'app://user:pw@teachpoint/',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'tp-media://teachpoint/media/00',
    'about:blank',
    'teachpoint/',
    '',
    null,
    42,
  ])('refuses %s', (url) => {
    expect(isAllowedAppUrl(url)).toBe(false);
  });
});

describe('isPermissionAllowed', () => {
  it('grants fullscreen and sanitized clipboard writes to the app origin only', () => {
    expect(isPermissionAllowed('fullscreen', 'app://teachpoint/player')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://teachpoint')).toBe(true);
    expect(isPermissionAllowed('persistent-storage', 'app://teachpoint/')).toBe(true);
    expect(isPermissionAllowed('persistent-storage', 'tp-media://teachpoint/courseware/x')).toBe(false);
    expect(isPermissionAllowed('fullscreen', 'tp-media://teachpoint/courseware/x')).toBe(false);
    expect(isPermissionAllowed('fullscreen', 'https://evil.example')).toBe(false);
    expect(isPermissionAllowed('fullscreen', undefined)).toBe(false);
  });

  it.each(['media', 'geolocation', 'notifications', 'openExternal', 'hid', 'serial', 'usb', 'clipboard-read', 'unknown-new-permission'])('denies %s even to the app', (permission) => {
    expect(isPermissionAllowed(permission, 'app://teachpoint/')).toBe(false);
  });
});
