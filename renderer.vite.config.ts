import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Kept beside package.json, not in renderer/: it runs in the developer's Node, and renderer/ holds
// browser code only (the layering rule and tsconfig.renderer.json see no Node there).
const root = fileURLToPath(new URL('./renderer/', import.meta.url));

// The renderer: Chrome 108 is the floor (Electron 22 on Windows 7). `base: './'` so the same build
// works from app://teachpoint/ (Electron) and from the host's HTTP server (browser transport).
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome108',
    sourcemap: true,
    // One chunk is fine for a local app; keep the warning meaningful.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev` style preview against a running host: proxy the bridge and media.
    proxy: {
      '/api': process.env.TEACHPOINT_HOST ?? 'http://127.0.0.1:5180',
      '/media': process.env.TEACHPOINT_HOST ?? 'http://127.0.0.1:5180',
    },
  },
});
