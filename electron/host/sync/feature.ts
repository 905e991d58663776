/**
 * The host's sync feature: enrollment (code or file), the device credentials, the class-hours
 * timetable, and `sync.request` — the one way the renderer's sync engine reaches the cloud. The
 * token never leaves the host: the renderer names a protocol path, the host adds the token for the
 * enrolled cloud only.
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import type { SyncHostStatus } from '../../../common/bridge/methods/sync';
import { TeachPointError } from '../../../common/errors/errors';
import { API_PREFIX, DEVICE_ROUTES, EnrollmentFileSchema, EnrollResponseSchema, ErrorBodySchema, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../sync/protocol/index';
import type { HostContext, HostFeature } from '../context';
import { readClassHours, downloadCapAt, writeClassHours } from './class-hours';
import { cloudHttp, parseJson } from './cloud-http';
import { forgetSyncCredentials, normaliseCloudUrl, readSyncCredentials, writeSyncCredentials, type SyncCredentials } from './credentials';

export type SyncMethod = 'sync.status' | 'sync.enroll' | 'sync.enrollFromFile' | 'sync.request' | 'sync.forget' | 'sync.setClassHours';

/** Env var: an enrollment file the host enrolls from at start when not enrolled yet, then deletes (npm start's embedded cloud). */
export const ENROLLMENT_FILE_ENV = 'TEACHPOINT_ENROLLMENT_FILE';

export interface SyncFeatureOptions {
  now?: () => Date;
  /** Enroll from this file at start if the device is not enrolled, then delete it (default: ENROLLMENT_FILE_ENV). */
  startupEnrollmentFile?: string | null;
  log?: (msg: string) => void;
  /** Timeout of the enrollment request (default 30 s). */
  enrollTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

function unreachable(cloudUrl: string): TeachPointError {
  return new TeachPointError(
    'sync.unreachable',
    {
      zh: `连不上云端 ${cloudUrl}。请检查网络和云端地址，稍后再试；没有网络时也可以用县电教馆给的登记文件登记。`,
      en: `Cannot reach the cloud at ${cloudUrl}. Check the network and the address and try again later; without a network, enroll with the enrollment file from the county office.`,
    },
    { cloudUrl },
  );
}

function badCloudUrl(cloudUrl: string): TeachPointError {
  return new TeachPointError('sync.bad-cloud-url', { zh: `云端地址“${cloudUrl}”不对，应以 http:// 或 https:// 开头，例如 https://jiaoxue.example.cn。`, en: `“${cloudUrl}” is not a cloud address; it must start with http:// or https://, e.g. https://jiaoxue.example.cn.` });
}

/** The credentials an offline enrollment file (`teachpoint-enrollment/1`) carries, or a bilingual refusal. */
function credentialsFromEnrollmentText(text: string, now: Date): SyncCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    parsed = undefined;
  }
  const enrollment = EnrollmentFileSchema.safeParse(parsed);
  if (!enrollment.success) {
    throw new TeachPointError('sync.bad-enrollment-file', { zh: '这不是教学点课堂的登记文件（teachpoint-enrollment/1），或文件已损坏。请向县电教馆重新要一个。', en: 'This is not a TeachPoint enrollment file (teachpoint-enrollment/1), or it is damaged. Ask the county office for a new one.' });
  }
  const f = enrollment.data;
  return { cloudUrl: f.cloudUrl, deviceId: f.deviceId, token: f.token, school: f.school, enrolledAt: now.toISOString(), via: 'file' };
}

export function createSyncFeature(ctx: HostContext, options: SyncFeatureOptions = {}): HostFeature<SyncMethod> {
  const now = options.now ?? (() => new Date());
  const startupFile = options.startupEnrollmentFile === undefined ? process.env[ENROLLMENT_FILE_ENV] || null : options.startupEnrollmentFile;
  // Every handler waits for it, so the first sync.status already shows the device enrolled.
  const startup = startupFile ? enrollAtStartup(startupFile) : Promise.resolve();

  async function enrollAtStartup(file: string): Promise<void> {
    try {
      if (!(await readSyncCredentials(ctx.dataDir))) await writeSyncCredentials(ctx.dataDir, credentialsFromEnrollmentText(await fs.readFile(file, 'utf8'), now()));
      await fs.rm(file, { force: true });
    } catch (err) {
      options.log?.(`[sync] enrollment from ${file} at start failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async function status(): Promise<SyncHostStatus> {
    await startup;
    const [credentials, classHours] = await Promise.all([readSyncCredentials(ctx.dataDir), readClassHours(ctx.dataDir)]);
    return {
      enrolled: credentials !== null,
      cloudUrl: credentials?.cloudUrl ?? null,
      deviceId: credentials?.deviceId ?? null,
      school: credentials?.school ?? null,
      enrolledAt: credentials?.enrolledAt ?? null,
      classHours,
      capNowBytesPerSecond: downloadCapAt(classHours, now()),
    };
  }

  async function save(credentials: SyncCredentials): Promise<SyncHostStatus> {
    await writeSyncCredentials(ctx.dataDir, credentials);
    return status();
  }

  return {
    handlers: {
      'sync.status': status,

      'sync.enroll': async ({ cloudUrl, code, deviceName }) => {
        let base: string;
        try {
          base = normaliseCloudUrl(cloudUrl);
          if (!/^https?:$/.test(new URL(base).protocol)) throw new Error('protocol');
        } catch {
          throw badCloudUrl(cloudUrl);
        }
        const body = JSON.stringify({
          protocolVersion: PROTOCOL_VERSION,
          code,
          device: { name: (deviceName ?? os.hostname()).trim().slice(0, 64) || '教学点电脑', platform: `${process.platform}-${process.arch}`, appVersion: ctx.appVersion },
        });
        const res = await cloudHttp({ url: `${base}${API_PREFIX}${DEVICE_ROUTES.enroll}`, method: 'POST', headers: { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) }, body, timeoutMs: options.enrollTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS });
        if (res.status === 0) throw unreachable(base);
        const json = parseJson(res.text);
        if (res.status !== 201 && res.status !== 200) {
          const error = ErrorBodySchema.safeParse(json);
          if (error.success) throw new TeachPointError(error.data.error.code, error.data.error.message, error.data.error.details);
          throw new TeachPointError('sync.bad-answer', { zh: `${base} 的回答不像教学点云端（HTTP ${res.status}）。请检查云端地址。`, en: `${base} did not answer like a TeachPoint cloud (HTTP ${res.status}). Check the address.` });
        }
        const enrolled = EnrollResponseSchema.safeParse(json);
        if (!enrolled.success) throw new TeachPointError('sync.bad-answer', { zh: `${base} 的回答无法识别。请检查云端地址。`, en: `The answer from ${base} could not be read. Check the address.` });
        return save({ cloudUrl: base, deviceId: enrolled.data.deviceId, token: enrolled.data.token, school: enrolled.data.school, enrolledAt: now().toISOString(), via: 'code' });
      },

      'sync.enrollFromFile': async ({ path: file, contents }) => {
        let text = contents;
        if (text === undefined) {
          try {
            text = await fs.readFile(file!, 'utf8');
          } catch {
            throw new TeachPointError('sync.enrollment-file-unreadable', { zh: `读不到登记文件 ${file}。请确认U盘已插好、文件还在。`, en: `Cannot read the enrollment file ${file}. Check that the USB stick is in and the file is there.` }, { path: file });
          }
        }
        return save(credentialsFromEnrollmentText(text, now()));
      },

      'sync.request': async ({ path: apiPath, body, gzip, timeoutMs }) => {
        await startup;
        const credentials = await readSyncCredentials(ctx.dataDir);
        if (!credentials) {
          throw new TeachPointError('sync.not-enrolled', { zh: '本机还没有登记到云端。请老师在“教师 → 云端同步”中输入县电教馆给的登记码。', en: 'This computer is not enrolled with the cloud yet. In Teacher → Cloud sync, enter the code from the county office.' });
        }
        const res = await cloudHttp({
          url: `${credentials.cloudUrl}${apiPath}`,
          method: body === null ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${credentials.token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
          body,
          gzip,
          timeoutMs: timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        });
        return { status: res.status, body: parseJson(res.text), headers: res.headers, wireBytes: res.wireBytes };
      },

      'sync.forget': async () => {
        await forgetSyncCredentials(ctx.dataDir);
        return status();
      },

      'sync.setClassHours': async ({ classHours }) => {
        await writeClassHours(ctx.dataDir, classHours);
        return status();
      },
    },
    async dispose() {},
  };
}
