import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The county dashboard (sync/server/dashboard/), served by the cloud at /dashboard/
// (sync/server/routes/dashboard-static.ts). Same toolchain and floor as the renderer
// (renderer.vite.config.ts): county offices run old PCs, so Chrome 108 is the target here too.
const root = fileURLToPath(new URL('./sync/server/dashboard/', import.meta.url));

export default defineConfig({
  root,
  base: '/dashboard/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome108',
    sourcemap: true,
    // No inline scripts or data: modules: the page's CSP allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    // `vite --config dashboard.vite.config.ts` against a running cloud (`npm run cloud`).
    proxy: { '/api': process.env.TEACHPOINT_CLOUD ?? 'http://127.0.0.1:8787' },
  },
});
