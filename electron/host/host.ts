import * as fs from 'fs';
import * as path from 'path';
import type { BridgeHandlers } from '../../common/bridge/contract';
import type { RemovableDrive } from '../../common/bridge/methods/drives';
import type { MediaResolver } from '../../common/media/media';
import type { MaterialLibrary } from '../../content-packs/device/materials';
import { PackLibrary, type PackLibraryOptions } from '../../content-packs/device/pack-library';
import { listRemovableDrives } from '../../content-packs/drives/list-drives';
import type { HostContext } from './context';
import { createEventHub, type EventHub } from './events';
import { createAppFeature } from './handlers/app';
import { createBundlesFeature } from './handlers/bundles';
import { createDownloadsFeature } from './handlers/downloads';
import { createDrivesFeature } from './handlers/drives';
import { createLessonsFeature } from './handlers/lessons';
import { chainMediaResolvers, createMaterialsFeature } from './handlers/materials';
import { createPacksFeature } from './handlers/packs';
import { createStorageFeature } from './handlers/storage';
import { createSyncFeature } from './sync/feature';
import { createTeacherFeature, guardPrivileged, type TeacherFeatureOptions, type TeacherSessions } from './handlers/teacher';
import { readSettings } from './settings';

/** Env var: folders (path.delimiter-separated) shown as if they were USB sticks. */
export const EXTRA_DRIVES_ENV = 'TEACHPOINT_EXTRA_DRIVES';
/** Env var: the sample packs folder, shown as a stick labelled SAMPLES_DRIVE_LABEL (set by `npm start`). */
export const SAMPLES_DIR_ENV = 'TEACHPOINT_SAMPLES_DIR';
/** Env var: extra trusted root public keys (path.delimiter-separated) for this session only, e.g. the samples' dev root. */
export const TRUST_ROOTS_ENV = 'TEACHPOINT_TRUST_ROOTS';
export const SAMPLES_DRIVE_LABEL = '示例资源包 Sample packs';

/** A folder shown as if it were a USB stick. */
export interface ExtraDrive {
  path: string;
  /** Shown as the stick's label; default: the folder name. */
  label?: string;
}

export interface HostOptions {
  dataDir: string;
  shell: 'electron' | 'browser';
  appVersion: string;
  electronVersion?: string | null;
  /**
   * Folders presented to the drives feature as extra removable drives — the first-run sample packs
   * (`npm start`), e2e tests. Default: `TEACHPOINT_EXTRA_DRIVES` + `TEACHPOINT_SAMPLES_DIR` from the environment.
   */
  extraDrives?: Array<string | ExtraDrive>;
  /**
   * Root public-key files trusted for this session in addition to `<data>/trust/*.pub` (not persisted).
   * Default: `TEACHPOINT_TRUST_ROOTS` from the environment.
   */
  trustedRootFiles?: string[];
  /** Drive reader override (tests); the extra drives are added to whatever it returns. */
  readDrives?: () => Promise<RemovableDrive[]>;
  /** Poll interval of the drives feature (default 2 s). */
  drivesIntervalMs?: number;
  log?: (msg: string) => void;
  /** Teacher session idle expiry and clock (tests). */
  teacher?: TeacherFeatureOptions;
  /** The content store's fs seam and free-space probe, for packs and 我的资料 alike (fault tests: a full disk). */
  storeSeams?: Pick<PackLibraryOptions, 'fs' | 'diskFree'>;
}

export interface Host {
  handlers: BridgeHandlers;
  /**
   * 我的资料: also reached directly by the HTTP upload route (`POST /api/materials/upload`), which
   * calls `authorize(teacherSession)` before it reads the body (teacher mode only).
   */
  materials: MaterialLibrary & { authorize(teacherSession: string | undefined): void };
  /** Live teacher sessions (privileged methods and the upload route check them). */
  teacher: TeacherSessions;
  /** Features emit here; both transports subscribe. */
  events: EventHub;
  /** `/media/<sha256>` lookups (content store); answers null for everything until packs are installed. */
  media: MediaResolver;
  context: HostContext;
  /** Quit handshake: emit `app.willQuit`, wait for `app.flushed` or the deadline. */
  requestQuit(deadlineMs: number): Promise<'flushed' | 'timeout'>;
  dispose(): Promise<void>;
}

/**
 * The composition root of the host (plain Node ≥ 16, never `electron`): builds the context, every
 * feature, and one BridgeHandlers object that the IPC transport (electron/main) and the HTTP
 * transport (electron/host/http) both serve through dispatchBridgeCall.
 */
export async function createHost(options: HostOptions): Promise<Host> {
  const log = options.log ?? ((msg: string) => console.warn(msg));
  const dataDir = path.resolve(options.dataDir);
  await fs.promises.mkdir(dataDir, { recursive: true });
  const events = createEventHub(log);
  const settings = await readSettings(dataDir);
  const context: HostContext = {
    dataDir,
    events,
    shell: options.shell,
    electronVersion: options.electronVersion ?? null,
    safeMode: settings.safeMode,
    appVersion: options.appVersion,
  };

  const extraDrives = (options.extraDrives ?? extraDrivesFromEnv()).map((d) =>
    typeof d === 'string' ? { path: path.resolve(d) } : { ...d, path: path.resolve(d.path) },
  );
  const baseReadDrives = options.readDrives ?? (() => listRemovableDrives());
  const readDrives = async (): Promise<RemovableDrive[]> => {
    const [real, extra] = await Promise.all([baseReadDrives().catch(() => []), virtualDrives(extraDrives)]);
    return [...real, ...extra.filter((e) => !real.some((r) => r.id === e.id))];
  };

  const app = createAppFeature(context);
  const storage = createStorageFeature(context);
  const trustedRootFiles = (options.trustedRootFiles ?? listFromEnv(TRUST_ROOTS_ENV)).map((f) => path.resolve(f));
  const packs = createPacksFeature(context, new PackLibrary({ dataDir, trustedRootFiles, ...options.storeSeams }));
  const drives = createDrivesFeature(context, {
    library: packs.library,
    readDrives,
    ...(options.drivesIntervalMs !== undefined ? { intervalMs: options.drivesIntervalMs } : {}),
  });
  const lessons = createLessonsFeature(packs.library);
  const materials = createMaterialsFeature(context, packs.library, { ...options.storeSeams });
  const teacher = createTeacherFeature(context, options.teacher);
  const bundles = createBundlesFeature(context, { library: packs.library, trustedRootFiles });
  const downloads = createDownloadsFeature(context, packs.library, { trustedRootFiles, log });
  const sync = createSyncFeature(context, { log });
  const features = [app, storage, packs, drives, lessons, materials, teacher, downloads, bundles, sync];

  // A missing handler here is a type error: every contract method must be implemented once.
  // Privileged methods (packs.import/remove/export, materials changes) need a teacher session.
  const handlers: BridgeHandlers = guardPrivileged({
    ...app.handlers,
    ...storage.handlers,
    ...packs.handlers,
    ...drives.handlers,
    ...lessons.handlers,
    ...materials.handlers,
    ...teacher.handlers,
    ...bundles.handlers,
    ...downloads.handlers,
    ...sync.handlers,
  }, teacher.sessions);
  // Pack blobs first, then the teacher's own files (both live in the one content store).
  const media: MediaResolver = chainMediaResolvers(features.flatMap((f) => (f.media ? [f.media] : [])));

  let disposed = false;
  return {
    handlers,
    materials: Object.assign(materials.materials, {
      authorize: (teacherSession: string | undefined) => teacher.sessions.require(teacherSession, 'materials.upload'),
    }),
    teacher: teacher.sessions,
    events,
    media,
    context,
    requestQuit: (deadlineMs) => app.requestQuit(deadlineMs),
    async dispose() {
      if (disposed) return;
      disposed = true;
      const results = await Promise.allSettled(features.map((f) => f.dispose()));
      for (const r of results) if (r.status === 'rejected') log(`[host] feature dispose failed: ${String(r.reason)}`);
    },
  };
}

/** Extra drives the environment asks for: TEACHPOINT_EXTRA_DRIVES, then TEACHPOINT_SAMPLES_DIR (labelled). */
export function extraDrivesFromEnv(env: NodeJS.ProcessEnv = process.env): Array<string | ExtraDrive> {
  const drives: Array<string | ExtraDrive> = listFromEnv(EXTRA_DRIVES_ENV, env);
  const samples = env[SAMPLES_DIR_ENV];
  if (samples) drives.push({ path: samples, label: SAMPLES_DRIVE_LABEL });
  return drives;
}

function listFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env[name];
  if (!raw) return [];
  return raw.split(path.delimiter).filter((s) => s.trim().length > 0);
}

/** Existing folders as RemovableDrive entries (id = the absolute folder path, like a Linux mount point). */
async function virtualDrives(drives: ExtraDrive[]): Promise<RemovableDrive[]> {
  const out: RemovableDrive[] = [];
  for (const drive of drives) {
    try {
      if (!(await fs.promises.stat(drive.path)).isDirectory()) continue;
    } catch {
      continue;
    }
    const label = drive.label ?? (path.basename(drive.path) || drive.path);
    out.push({ id: drive.path, mountPoint: drive.path, label, totalBytes: null, freeBytes: null });
  }
  return out;
}
