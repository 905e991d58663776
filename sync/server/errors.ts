/**
 * Server errors: a TeachPointError whose code is one of the protocol's (sync/protocol/errors.ts)
 * decides the HTTP status; the body is the protocol's ErrorBody. Messages say what happened and
 * what to do, in both languages.
 */
import { TeachPointError, type LocalizedText } from '../../common/errors/errors';
import { SYNC_ERROR_CODES, type ErrorBody, type SyncErrorCode } from '../protocol/errors';

export function httpError(code: SyncErrorCode, message: LocalizedText, details?: Record<string, unknown>): TeachPointError {
  return new TeachPointError(code, message, details);
}

export function statusOf(error: TeachPointError): number {
  return (SYNC_ERROR_CODES as Record<string, number>)[error.code] ?? 422;
}

export function errorBody(error: TeachPointError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.localized } };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

export const notFound = (what: { zh: string; en: string }): TeachPointError =>
  httpError('not-found', { zh: `找不到${what.zh}。请检查链接或刷新列表。`, en: `No such ${what.en}. Check the link or refresh the list.` });

export const forbidden = (): TeachPointError =>
  httpError('auth.forbidden', { zh: '你的账号没有这项操作的权限。请联系省级管理员。', en: 'Your account may not do this. Ask a province administrator.' });

export function badRequest(issues: string): TeachPointError {
  return httpError('protocol.bad-request', { zh: `请求格式不对：${issues}。请更新应用后重试。`, en: `The request is malformed: ${issues}. Update the app and try again.` }, { issues });
}
