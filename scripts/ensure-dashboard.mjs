#!/usr/bin/env node
// Builds the county dashboard (dist/dashboard) if it is missing or stale; `npm run cloud` runs this
// first so a clean clone's cloud serves /dashboard/ with no separate build step.
import { ensureDashboardBuilt } from './lib/renderer-build.mjs';

try {
  ensureDashboardBuilt();
} catch (err) {
  console.error(`县级管理后台构建失败 / ${err.message}`);
  process.exit(1);
}
