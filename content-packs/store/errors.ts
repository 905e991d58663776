import { TeachPointError } from '../../common/errors/errors';

export type StoreErrorCode =
  | 'store.disk-full'
  | 'store.write-failed'
  | 'store.hash-mismatch'
  | 'store.source-read'
  | 'store.source-truncated'
  | 'store.cancelled'
  | 'store.locked'
  | 'store.bad-index';

const TEXT: Record<StoreErrorCode, { zh: string; en: string }> = {
  'store.disk-full': {
    zh: '磁盘空间已满，写入已停止，资源库没有改变。请删除不用的资源包或文件后重试。',
    en: 'The disk is full; writing stopped and the library is unchanged. Remove unused packs or files and try again.',
  },
  'store.write-failed': {
    zh: '写入本机磁盘失败，资源库没有改变。请检查磁盘后重试。',
    en: 'Writing to this computer’s disk failed; the library is unchanged. Check the disk and try again.',
  },
  'store.hash-mismatch': {
    zh: '文件内容与校验值不符（文件已损坏或被篡改），已拒绝。',
    en: 'A file’s content does not match its checksum (damaged or tampered); refused.',
  },
  'store.source-read': {
    zh: '读取来源文件失败（U盘可能已拔出）。请重新插好U盘后重试。',
    en: 'Reading the source failed (the USB stick may have been removed). Reinsert it and try again.',
  },
  'store.source-truncated': {
    zh: '来源文件比预期短（文件不完整）。请重新复制该资源包后重试。',
    en: 'The source file is shorter than expected (incomplete). Copy the pack again and retry.',
  },
  'store.cancelled': { zh: '操作已取消，资源库没有改变。', en: 'Cancelled; the library is unchanged.' },
  'store.locked': {
    zh: '另一个教学点课堂程序正在修改资源库，请等它完成后再试。',
    en: 'Another TeachPoint process is changing the library. Wait for it to finish and try again.',
  },
  'store.bad-index': {
    zh: '已安装资源包列表文件已损坏。请运行“teachpoint store scrub”，或重新导入资源包。',
    en: 'The installed-packs index is damaged. Run “teachpoint store scrub” or import the packs again.',
  },
};

export function storeError(code: StoreErrorCode, details?: Record<string, unknown>): TeachPointError {
  return new TeachPointError(code, TEXT[code], details);
}

/** Map a destination-side errno to a store error (ENOSPC/EDQUOT → disk full). */
export function destinationError(err: unknown, details?: Record<string, unknown>): TeachPointError {
  if (err instanceof TeachPointError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return storeError('store.disk-full', { ...details, errno: code });
  return storeError('store.write-failed', { ...details, errno: code ?? null, message: String((err as Error)?.message ?? err) });
}

export function sourceError(err: unknown, details?: Record<string, unknown>): TeachPointError {
  if (err instanceof TeachPointError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return storeError('store.source-read', { ...details, errno: code ?? null, message: String((err as Error)?.message ?? err) });
}
