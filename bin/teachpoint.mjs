#!/usr/bin/env node
// `teachpoint` — device CLI for provisioning PCs (same code as the app's bridge).
import { register } from 'tsx/esm/api';

register();
await import('../content-packs/device/cli/main.ts');
