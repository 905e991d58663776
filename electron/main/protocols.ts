import type { Protocol } from 'electron';
import type { MediaResolver } from '../../common/media/media';
import { appAssetReply } from './app-assets';
import { mediaReply } from './media-reply';
import { APP_SCHEME, MEDIA_SCHEME } from '../../common/origins';
import { headerValue, type ProtocolReply, toStreamResponse, toWebResponse, type WebRequestLike, type WebResponseLike } from './protocol-reply';

/**
 * Must run before `app` is ready. `app:` is a standard, secure origin with fetch and CORS (the
 * renderer and its IndexedDB live there); the media scheme additionally streams, which <video>
 * needs for seeking.
 */
export function registerPrivilegedSchemes(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
  ]);
}

export interface ProtocolDeps {
  /** Built renderer (`dist/renderer`). */
  rendererRoot: string;
  media: MediaResolver;
  /** CSP for every app-scheme response (security.ts buildAppCsp). */
  appCsp: string;
}

/** `protocol.handle` exists from Electron 25; its typings are absent from Electron 22's, hence this view. */
interface HandleCapableProtocol {
  handle(scheme: string, handler: (request: WebRequestLike) => Promise<WebResponseLike>): void;
}

/** Runtime detection; not a type guard, so the Electron 22 branch keeps the real Protocol type. */
function handleOf(protocol: Protocol): HandleCapableProtocol | null {
  const candidate = protocol as unknown as Partial<HandleCapableProtocol>;
  return typeof candidate.handle === 'function' ? (protocol as unknown as HandleCapableProtocol) : null;
}

type Reply = (url: string, method: string, header: (name: string) => string | null) => Promise<ProtocolReply>;

/**
 * Registers both schemes after `ready`. Current Electron: `protocol.handle` with WHATWG
 * responses. Electron 22: `registerStreamProtocol`, with the same planned status and headers.
 * (Not `registerFileProtocol`: Electron hands file responses to Chromium's file loader, which
 * takes the MIME type from the file extension or sniffing — our blobs have no extension — and
 * ignores the manifest's type; see shell/browser/net/asar/asar_url_loader.cc.)
 */
export function registerProtocols(protocol: Protocol, deps: ProtocolDeps): 'handle' | 'stream' {
  const replies: Array<[string, Reply]> = [
    [APP_SCHEME, (url, method) => appAssetReply(url, method, deps.rendererRoot, deps.appCsp)],
    [MEDIA_SCHEME, (url, method, header) => mediaReply({ url, method, header }, deps.media)],
  ];
  const modern = handleOf(protocol);
  if (modern) {
    for (const [scheme, reply] of replies) {
      modern.handle(scheme, async (request) => toWebResponse(await safely(() => reply(request.url, request.method, (name) => request.headers.get(name)))));
    }
    return 'handle';
  }
  for (const [scheme, reply] of replies) {
    protocol.registerStreamProtocol(scheme, (request, callback) => {
      void safely(() => reply(request.url, request.method, (name) => headerValue(request.headers, name))).then((r) => callback(toStreamResponse(r)));
    });
  }
  return 'stream';
}

/** A resolver or file-system failure becomes a plain 500, never an unhandled rejection in main. */
async function safely(run: () => Promise<ProtocolReply>): Promise<ProtocolReply> {
  try {
    return await run();
  } catch {
    return { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: { kind: 'text', text: 'Internal Error' } };
  }
}
