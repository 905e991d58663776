import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { MemoryRouter } from 'react-router-dom';
import { AppProviders, AppRoutes } from '../app/App';
import type { Services } from '../app/services';
import { createI18n } from '../i18n/i18n';
import { WebPlatform } from '../platform/web-platform';
import type { FakeBridge } from './fake-bridge';

/** In-memory Storage for language persistence tests. */
export class MemoryStorage {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, String(value));
  }
}

export interface Rendered {
  container: HTMLElement;
  unmount: () => Promise<void>;
}

/** Render the whole shell (frame + routes) in this page with a fake bridge. */
export async function renderApp(
  bridge: FakeBridge,
  opts: { storage?: MemoryStorage; path?: string; services?: Partial<Services> } = {},
): Promise<Rendered> {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const i18n = createI18n({ storage: opts.storage ?? new MemoryStorage() });
  const services: Services = { bridge, platform: new WebPlatform(bridge, 'tok'), db: null, ...opts.services };
  let root: Root;
  await act(async () => {
    root = createRoot(container);
    root.render(
      <AppProviders services={services} i18n={i18n}>
        <MemoryRouter initialEntries={[opts.path ?? '/']}>
          <AppRoutes />
        </MemoryRouter>
      </AppProviders>,
    );
  });
  return {
    container,
    unmount: async () => {
      await act(async () => root.unmount());
      container.remove();
    },
  };
}
