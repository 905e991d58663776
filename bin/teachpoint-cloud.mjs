#!/usr/bin/env node
// `teachpoint-cloud` — the provincial cloud (Fastify 5, Node 20+). Runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
const { runCloudCli } = await import('../sync/server/cli/main.ts');
process.exitCode = await runCloudCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
