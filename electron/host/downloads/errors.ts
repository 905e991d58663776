import { TeachPointError } from '../../../common/errors/errors';

export type DownloadErrorCode =
  | 'download.network'
  | 'download.http'
  | 'download.bad-response'
  | 'download.not-released'
  | 'download.not-enrolled'
  | 'download.manifest-mismatch'
  | 'download.bad-blob'
  | 'download.cancelled';

const TEXT: Record<DownloadErrorCode, { zh: string; en: string }> = {
  'download.network': {
    zh: '与云端的连接中断，下载会自动继续（已下载的部分不会丢失）。',
    en: 'The connection to the cloud dropped; the download resumes by itself (nothing downloaded is lost).',
  },
  'download.http': {
    zh: '云端暂时无法提供资源包，稍后会自动重试。若一直失败，请联系县电教馆。',
    en: 'The cloud cannot serve the pack right now; retrying later. If it keeps failing, contact the county technician.',
  },
  'download.bad-response': {
    zh: '云端返回的数据格式不正确，已停止下载，资源库没有改变。请联系县电教馆。',
    en: 'The cloud sent malformed data; the download stopped and the library is unchanged. Contact the county technician.',
  },
  'download.not-released': {
    zh: '云端没有向本校发布这个资源包版本（可能已撤回），下载已停止，资源库没有改变。',
    en: 'The cloud has not released this pack version to this school (it may have been withdrawn); the download stopped and the library is unchanged.',
  },
  'download.not-enrolled': {
    zh: '本机尚未加入云端（或注册已失效），无法下载资源包。请在“同步”页重新注册本机。',
    en: 'This computer is not enrolled with the cloud (or its enrollment expired), so packs cannot be downloaded. Enroll it again on the Sync page.',
  },
  'download.manifest-mismatch': {
    zh: '下载到的资源包清单与云端发布的校验值不符（可能被篡改），已拒绝，资源库没有改变。请联系县电教馆。',
    en: 'The downloaded pack manifest does not match the checksum the cloud released (it may have been tampered with); refused, the library is unchanged. Contact the county technician.',
  },
  'download.bad-blob': {
    zh: '下载到的文件内容与校验值不符（传输中损坏或被篡改），已丢弃并拒绝安装，资源库没有改变。若反复出现，请联系县电教馆。',
    en: 'A downloaded file does not match its checksum (damaged or tampered with in transit); it was discarded and nothing was installed. If this repeats, contact the county technician.',
  },
  'download.cancelled': { zh: '下载已取消，资源库没有改变。', en: 'Download cancelled; the library is unchanged.' },
};

export function downloadError(code: DownloadErrorCode, details?: Record<string, unknown>): TeachPointError {
  return new TeachPointError(code, TEXT[code], details);
}

/** Errors worth retrying with backoff (the network, a busy cloud); everything else fails the download. */
export function isRetryable(err: unknown): boolean {
  return err instanceof TeachPointError && (err.code === 'download.network' || err.code === 'download.http');
}
