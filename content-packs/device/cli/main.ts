/**
 * `teachpoint` — the device CLI for technicians provisioning many PCs and for scripted tests
 * (same code as the bridge: PackLibrary). Importing this file runs process.argv and sets
 * process.exitCode; `bin/teachpoint.mjs` imports it through tsx. Commands: see ./cli.ts.
 */
import { runCli } from './cli';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
