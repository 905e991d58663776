/**
 * What went wrong with a sync exchange, in words a teacher can act on. Server answers carry their
 * own zh/en message (ErrorBody); the client adds messages for what only it can see (no answer at
 * all, an answer it cannot read) and plainer ones for the codes a person must act on.
 */
import type { LocalizedText } from '../../common/errors/errors';
import { ErrorBodySchema, isRetryable } from '../protocol/index';
import { parseRetryAfter } from '../protocol/backoff';
import type { SyncTransportResponse } from './transport';

export interface SyncFailure {
  code: string;
  message: LocalizedText;
  /** The engine retries by itself (backoff); otherwise a person must act (re-enroll, update). */
  retryable: boolean;
  /** HTTP status, 0 when nothing answered. */
  status: number;
  /** Server's Retry-After in ms (a floor for the next attempt). */
  retryAfterMs: number;
}

const CLIENT_TEXT: Record<string, LocalizedText> = {
  'sync.unreachable': {
    zh: '连不上云端（没有网络，或网络太慢）。有网络时会自动重试，学习记录都保存在本机，不会丢失。',
    en: 'Cannot reach the cloud (no network, or too slow). It retries by itself when the network is back; all progress is kept on this computer.',
  },
  'sync.bad-answer': {
    zh: '云端的回答无法识别。会自动重试；如果一直这样，请联系县电教馆。',
    en: "The cloud's answer could not be read. It will retry; if this keeps happening, contact the county education office.",
  },
  'sync.not-enrolled': {
    zh: '本机还没有登记到云端。请老师在“教师 → 云端同步”中输入县电教馆给的登记码。',
    en: 'This computer is not enrolled with the cloud yet. In Teacher → Cloud sync, enter the code from the county education office.',
  },
  // Plainer than the server's wording: what the teacher must do.
  'auth.device-revoked': {
    zh: '本机的云端登记已被县电教馆撤销。请向县电教馆要一个新的登记码，在“教师 → 云端同步”中重新登记。',
    en: 'The county education office revoked this computer\'s enrollment. Ask county staff for a new code and enroll again in Teacher → Cloud sync.',
  },
  'auth.required': {
    zh: '云端不认识本机的登记信息。请向县电教馆要一个新的登记码，在“教师 → 云端同步”中重新登记。',
    en: "The cloud does not recognise this computer's enrollment. Ask county staff for a new code and enroll again in Teacher → Cloud sync.",
  },
  'protocol.unsupported-version': {
    zh: '本机的教学点课堂版本太旧，云端已不支持。请更新软件。',
    en: 'This version of TeachPoint is too old for the cloud. Please update the app.',
  },
};

export function clientFailure(code: 'sync.unreachable' | 'sync.bad-answer' | 'sync.not-enrolled', status = 0): SyncFailure {
  return { code, message: CLIENT_TEXT[code]!, retryable: code !== 'sync.not-enrolled', status, retryAfterMs: 0 };
}

/** A non-2xx (or status 0) answer → a failure the engine and the UI understand. */
export function failureFromResponse(response: SyncTransportResponse, now: number): SyncFailure {
  if (response.status === 0) return clientFailure('sync.unreachable');
  const parsed = ErrorBodySchema.safeParse(response.body);
  const code = parsed.success ? parsed.data.error.code : `http.${response.status}`;
  const message = CLIENT_TEXT[code] ?? (parsed.success ? parsed.data.error.message : CLIENT_TEXT['sync.bad-answer']!);
  return {
    code,
    message,
    retryable: isRetryable(response.status, code),
    status: response.status,
    retryAfterMs: parseRetryAfter(response.headers['retry-after'], now),
  };
}
