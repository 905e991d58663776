/**
 * The host opens the browser at `http://127.0.0.1:<port>/#token=<token>`. The token is moved to
 * sessionStorage (per tab, gone when the tab closes) and stripped from the address bar before the
 * router starts, so it is not in history, bookmarks or screenshots, and HashRouter sees `#/`.
 */
export const TOKEN_STORAGE_KEY = 'teachpoint.bridgeToken';

const TOKEN_IN_HASH = /^#(?:.*&)?token=([^&]*)/;

export interface TokenEnv {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

export function takeBridgeToken(env: TokenEnv = { location: window.location, history: window.history, storage: window.sessionStorage }): string | null {
  const match = TOKEN_IN_HASH.exec(env.location.hash);
  if (match) {
    const token = decodeURIComponent(match[1] ?? '');
    if (token) env.storage.setItem(TOKEN_STORAGE_KEY, token);
    env.history.replaceState(env.history.state, '', `${env.location.pathname}${env.location.search}#/`);
    if (token) return token;
  }
  return env.storage.getItem(TOKEN_STORAGE_KEY);
}
