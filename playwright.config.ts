import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests (DESIGN §6.3): the real host process serves the built renderer over its HTTP
 * transport; Debian's Chromium drives it. Never downloads a browser: CHROMIUM_PATH or /usr/bin/chromium.
 * The global setup builds the renderer if stale, starts the host on a temp data dir and a free port,
 * and hands the app URL to the tests (tests/e2e/app.ts); the teardown stops it.
 */
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/e2e/global-setup.ts',
  globalTeardown: './tests/e2e/global-teardown.ts',
  // One host process is shared; tests use separate browser contexts (own storage), run in order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  outputDir: 'test-results/e2e',
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    // A browser locale that is NOT Chinese: the app must still start in zh-CN by default.
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
