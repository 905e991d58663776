/**
 * `tsx electron/host/cli/serve.ts [--data <dir>] [--port <n>] [--host <addr>] [--static <dir>] [--extra-drive <dir>]… [--samples <dir>] [--trust <root.pub>]…`
 *
 * Runs the host and its HTTP transport without Electron (dev, kiosk browsers, e2e). The port is fixed
 * (see ./port.ts: the origin must not change between launches or the browser's records are gone).
 * Prints the app
 * URL as `TEACHPOINT_URL=http://127.0.0.1:<port>/#token=<token>` on stdout (scripts parse that line),
 * stops cleanly on SIGINT/SIGTERM (quit handshake with connected pages, then close).
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { defaultDataDir } from '../../../content-packs/device/data-dir';
import { createHost, extraDrivesFromEnv, SAMPLES_DRIVE_LABEL, TRUST_ROOTS_ENV, type ExtraDrive } from '../host';
import { startHttpTransport, type HttpTransport } from '../http/server';
import { readSettings } from '../settings';
import { choosePort, DEFAULT_PORT, listenOnChosenPort, parsePort, type ListenOutcome, type PortChoice } from './port';

export interface ServeArgs {
  data: string;
  /** From `--port`; undefined = $TEACHPOINT_PORT, settings.json "port" or the default (./port.ts). */
  port: number | undefined;
  host: string;
  staticDir: string;
  extraDrives: Array<string | ExtraDrive>;
  trustedRootFiles: string[];
}

const USAGE = `Usage: serve [--data <dir>] [--port <n>] [--host <addr>] [--static <dir>] [--extra-drive <dir>]... [--samples <dir>] [--trust <root.pub>]...
  --data         device data directory (default: $TEACHPOINT_DATA or the platform app-data folder)
  --port         port to listen on (default: $TEACHPOINT_PORT, "port" in <data>/settings.json, or ${DEFAULT_PORT};
                 keep it fixed: the browser keeps records per address. 0 = any free port, for tests)
  --host         interface to bind (default 127.0.0.1; anything else exposes the app to the network)
  --static       built renderer folder (default: dist/renderer)
  --extra-drive  folder to show as if it were a USB stick (repeatable; also $TEACHPOINT_EXTRA_DRIVES)
  --samples      like --extra-drive, labelled as the sample packs ($TEACHPOINT_SAMPLES_DIR)
  --trust        root public key (.pub) trusted for this session only (repeatable; $TEACHPOINT_TRUST_ROOTS)`;

export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv, repoRoot: string): ServeArgs {
  const args: ServeArgs = {
    data: defaultDataDir(env),
    port: undefined,
    host: '127.0.0.1',
    staticDir: path.join(repoRoot, 'dist', 'renderer'),
    extraDrives: extraDrivesFromEnv(env),
    trustedRootFiles: (env[TRUST_ROOTS_ENV] ?? '').split(path.delimiter).filter((s) => s.length > 0),
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const takeValue = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--data':
        args.data = takeValue();
        break;
      case '--port': {
        args.port = parsePort(takeValue(), '--port');
        break;
      }
      case '--host':
        args.host = takeValue();
        break;
      case '--static':
        args.staticDir = takeValue();
        break;
      case '--extra-drive':
        args.extraDrives.push(takeValue());
        break;
      case '--samples':
        args.extraDrives.push({ path: takeValue(), label: SAMPLES_DRIVE_LABEL });
        break;
      case '--trust':
        args.trustedRootFiles.push(takeValue());
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`Unknown option ${String(flag)}\n${USAGE}`);
    }
  }
  args.data = path.resolve(args.data);
  args.staticDir = path.resolve(args.staticDir);
  return args;
}

/**
 * This file's path under tsx (ESM: import.meta.url) and inside an esbuild CommonJS bundle
 * (__filename; import.meta is empty there) — the Node 16 runtime test runs the bundle.
 */
function thisFile(): string {
  return typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
}

async function main(): Promise<void> {
  const repoRoot = path.resolve(path.dirname(thisFile()), '..', '..', '..');
  let args: ServeArgs;
  try {
    args = parseServeArgs(process.argv.slice(2), process.env, repoRoot);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  let choice: PortChoice;
  try {
    choice = choosePort(args.port, process.env, (await readSettings(args.data)).port);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const version = readVersion(repoRoot);
  const host = await createHost({
    dataDir: args.data,
    shell: 'browser',
    appVersion: version,
    extraDrives: args.extraDrives,
    trustedRootFiles: args.trustedRootFiles,
  });
  let listening: ListenOutcome<HttpTransport>;
  try {
    listening = await listenOnChosenPort(
      choice,
      (port) =>
        startHttpTransport({
          handlers: host.handlers,
          events: host.events,
          media: host.media,
          materials: host.materials,
          staticDir: args.staticDir,
          host: args.host,
          port,
        }),
      (t) => t.port,
    );
  } catch (err) {
    console.error((err as Error).message);
    await host.dispose();
    process.exit(3);
  }
  const transport = listening.server;
  if (listening.warning) console.error(listening.warning);
  if (args.host !== '127.0.0.1' && args.host !== 'localhost') {
    console.error(`警告：服务绑定在 ${args.host}，同一网络中的其他电脑也能访问（仍需令牌）。 / Warning: bound to ${args.host}; other computers on the network can reach it (the token is still required).`);
  }
  console.log(`教学点课堂已启动 / TeachPoint is running — data: ${args.data}`);
  console.log(`TEACHPOINT_URL=${transport.appUrl}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      process.exit(130);
    }
    stopping = true;
    console.log(`${signal}: 正在停止 / stopping…`);
    // Give connected pages a moment to flush (quit handshake) when any are listening.
    if (host.events.listenerCount > 0) await host.requestQuit(3000);
    await transport.close();
    await host.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function readVersion(repoRoot: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === thisFile();
if (invokedDirectly) {
  main().catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  });
}
