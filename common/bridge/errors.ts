import { TeachPointError } from '../errors/errors';

/** Error codes the bridge itself produces (feature handlers add their own, e.g. 'pack.bad-signature'). */
export type BridgeErrorCode =
  | 'bridge.unknown-method'
  | 'bridge.invalid-request'
  | 'bridge.invalid-response'
  | 'bridge.unauthorized'
  | 'bridge.forbidden-sender'
  | 'bridge.timeout'
  | 'bridge.transport'
  | 'bridge.internal';

export function bridgeError(code: BridgeErrorCode, details?: Record<string, unknown>): TeachPointError {
  const text = BRIDGE_ERROR_TEXT[code];
  return new TeachPointError(code, text, details);
}

const BRIDGE_ERROR_TEXT: Record<BridgeErrorCode, { zh: string; en: string }> = {
  'bridge.unknown-method': { zh: '程序内部请求了不存在的功能，请更新教学点课堂。', en: 'The app asked for a function that does not exist. Please update TeachPoint.' },
  'bridge.invalid-request': { zh: '请求的数据格式不正确，已拒绝。', en: 'The request data was malformed and was refused.' },
  'bridge.invalid-response': { zh: '后台返回的数据格式不正确。请重启程序；若仍出现，请联系县电教馆。', en: 'The background service returned malformed data. Restart the app; if it persists, contact the county technician.' },
  'bridge.unauthorized': { zh: '访问令牌无效或缺失，已拒绝。请从教学点课堂重新打开页面。', en: 'Missing or invalid access token; refused. Reopen the page from TeachPoint.' },
  'bridge.forbidden-sender': { zh: '请求来自不受信任的页面，已拒绝。', en: 'The request came from an untrusted page and was refused.' },
  'bridge.timeout': { zh: '后台服务没有及时响应，请稍后重试。', en: 'The background service did not answer in time. Try again shortly.' },
  'bridge.transport': { zh: '无法连接后台服务，请重启教学点课堂。', en: 'Cannot reach the background service. Restart TeachPoint.' },
  'bridge.internal': { zh: '后台服务出错，操作未完成，数据未改变。', en: 'The background service failed; the operation did not complete and nothing was changed.' },
};
