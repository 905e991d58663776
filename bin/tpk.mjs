#!/usr/bin/env node
// `tpk` — the county technician's pack tool. Runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../content-packs/cli/main.ts');
