/**
 * The dashboard's only way out: same-origin calls to the cloud's staff API (/api/v1/…). The session
 * is the HttpOnly `tp_session` cookie set by sign-in, so no token ever lives in this page. Errors come
 * back as the protocol's ErrorBody and are rethrown as TeachPointError (code + zh/en message).
 */
import { TeachPointError } from '../../../../common/errors/errors';

export const API = '/api/v1';
/** Fired on window when any call finds the session gone: the app shows the sign-in page. */
export const SESSION_EXPIRED_EVENT = 'teachpoint:session-expired';

/** Shapes of the staff API answers this page reads (sync/server/README.md, "Staff API"). */
export interface Me {
  accountId: string;
  username: string;
  role: 'province-admin' | 'county-admin';
  countyId: string | null;
}
export interface County {
  id: string;
  name: string;
}
export interface InstalledPack {
  packId: string;
  version: number;
}
export interface Device {
  id: string;
  schoolId: string;
  name: string;
  lastPushAt: string | null;
  lastPullAt: string | null;
  queuedEvents: number | null;
  bytesToDownload: number | null;
  installedPacks: InstalledPack[] | null;
}
export interface SchoolOverview {
  id: string;
  name: string;
  countyId: string;
  countyName: string;
  devices: Device[];
  lastSyncAt: string | null;
  queuedEvents: number;
  bytesToDownload: number;
}
export type { ClassProgress, SchoolProgress } from '../../../protocol/dashboard';
export type Title = { 'zh-CN': string } & Record<string, string | undefined>;
interface FacetValue {
  id: string;
  title: string;
}
export interface PackVersion {
  packId: string;
  version: number;
  title: Title;
  totalBytes: number;
  blobCount: number;
  facets: { stage: FacetValue | null; subject: FacetValue | null; edition: FacetValue | null }[];
  publisher: { keyId: string; name: string };
  uploadedBy: string;
  uploadedAt: string;
  releasedSchools: number;
}
export interface PackRelease {
  schoolId: string;
  schoolName: string;
  countyId: string;
  packId: string;
  version: number;
  title: Title;
  releasedAt: string;
  withdrawn: boolean;
}
export interface PublishResult {
  packId: string;
  version: number;
  title: Title;
  alreadyPublished: boolean;
  blobsStored: number;
  bytesStored: number;
}
export type CodeState = 'active' | 'used' | 'revoked' | 'expired';
export interface EnrollmentCode {
  id: string;
  code: string;
  createdAt: string;
  expiresAt: string;
  state: CodeState;
}

const unreachable = () =>
  new TeachPointError('network.unreachable', {
    zh: '连不上云端服务器。请检查网络，稍后再试。',
    en: 'Cannot reach the cloud server. Check the network and try again later.',
  });

/** One JSON call; `body` as JSON, or a Blob/File sent as-is (bundle upload). */
export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body instanceof Blob) {
    init.body = body;
    init.headers = { ...init.headers, 'content-type': 'application/octet-stream' };
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  let res: Response;
  try {
    res = await fetch(API + path, init);
  } catch {
    throw unreachable();
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: { zh: string; en: string }; details?: Record<string, unknown> } } | undefined)?.error;
    if (error?.code === 'auth.session-expired') window.dispatchEvent(new Event(SESSION_EXPIRED_EVENT));
    if (error?.code && error.message) throw new TeachPointError(error.code, error.message, error.details);
    throw new TeachPointError('server.unexpected', {
      zh: `云端返回了意外的回答（HTTP ${res.status}）。请刷新页面重试；如果一直出现，请联系省级管理员。`,
      en: `The cloud gave an unexpected answer (HTTP ${res.status}). Reload the page; if it keeps happening, contact a province administrator.`,
    });
  }
  return parsed as T;
}

/** `?countyId=…` when the province admin picked one county. */
export function countyQuery(countyId: string | null, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(extra);
  if (countyId) q.set('countyId', countyId);
  const s = q.toString();
  return s ? `?${s}` : '';
}
