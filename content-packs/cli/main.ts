/**
 * `tpk` — build, sign, verify and inspect TeachPoint content packs (.tpk).
 * bin/tpk.mjs imports this file (through tsx); it runs process.argv itself and sets process.exitCode.
 */
import { runCli } from './run';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
