/**
 * The fixed origins of the Electron shell (DESIGN §3). They never change: IndexedDB, and with it
 * every learner record on the device, is keyed by the app origin.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'teachpoint';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Media bytes come from a second scheme so media-src/frame-src can name it and nothing else. */
export const MEDIA_SCHEME = 'tp-media';
export const MEDIA_ORIGIN = `${MEDIA_SCHEME}://${APP_HOST}`;
/** `tp-media://teachpoint/media/<sha256>` — the Electron twin of the HTTP transport's `/media/<sha256>`. */
export const MEDIA_PATH_PREFIX = '/media/';
export const MEDIA_URL_PREFIX = `${MEDIA_ORIGIN}${MEDIA_PATH_PREFIX}`;
/** `tp-media://teachpoint/courseware/<sha256>` — HTML5 courseware, served with a sandboxing CSP. */
export const COURSEWARE_PATH_PREFIX = '/courseware/';
export const COURSEWARE_URL_PREFIX = `${MEDIA_ORIGIN}${COURSEWARE_PATH_PREFIX}`;

export const APP_START_URL = `${APP_ORIGIN}/`;
