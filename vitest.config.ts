import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import react from '@vitejs/plugin-react';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Two layers of DESIGN §6 in one runner:
//  - node:    *.test.ts anywhere except renderer/ (formats, store, host, CLI, lint rule)
//  - browser: *.browser.test.ts(x) run in real Debian Chromium (IndexedDB, Dexie, React)
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/.cache/**', '**/.data/**', '**/*.browser.test.ts', 'tests/e2e/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        plugins: [react()],
        // Pre-bundle up front: on a fresh checkout Vite otherwise discovers these mid-run and
        // reloads the page under the first test file.
        optimizeDeps: {
          include: ['react', 'react/jsx-dev-runtime', 'react-dom/client', 'react-router-dom', 'react-i18next', 'i18next', 'dexie', 'zod', 'pinyin-pro'],
        },
        test: {
          name: 'browser',
          include: ['**/*.browser.test.ts', '**/*.browser.test.tsx'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/.cache/**', '**/.data/**'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                executablePath: chromium,
                args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
