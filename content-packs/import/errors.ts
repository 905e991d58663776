import { TeachPointError } from '../../common/errors/errors';

export type ImportErrorCode =
  | 'import.bad-signature'
  | 'import.untrusted'
  | 'import.revoked'
  | 'import.bad-manifest'
  | 'import.bad-pack'
  | 'import.bad-blob'
  | 'import.truncated'
  | 'import.copy-damaged'
  | 'import.disk-full'
  | 'import.source-gone'
  | 'import.downgrade'
  | 'import.cancelled'
  | 'import.busy'
  | 'import.write-failed'
  | 'import.not-found'
  | 'import.no-packs'
  | 'import.not-a-file'
  | 'packs.not-installed'
  | 'export.disk-full'
  | 'export.verify-failed'
  | 'export.write-failed'
  | 'export.missing-blob';

const TEXT: Record<ImportErrorCode, { zh: string; en: string }> = {
  'import.bad-signature': {
    zh: '资源包签名无效（文件可能被改动过），已拒绝导入，资源库没有改变。请向县电教馆重新索取该资源包。',
    en: 'The pack’s signature is invalid (the file may have been altered); import refused and the library is unchanged. Ask the county for a fresh copy.',
  },
  'import.untrusted': {
    zh: '资源包的发布者证书不受本机信任，已拒绝导入。请确认资源包来自县电教馆，或导入省级根证书。',
    en: 'The pack’s publisher certificate is not trusted on this computer; import refused. Check the pack comes from the county, or enrol the province root key.',
  },
  'import.revoked': {
    zh: '资源包的发布者证书已被吊销，已拒绝导入。请向县电教馆索取重新签名的资源包。',
    en: 'The pack’s publisher certificate has been revoked; import refused. Ask the county for a re-signed pack.',
  },
  'import.bad-manifest': {
    zh: '资源包的清单文件无效，已拒绝导入，资源库没有改变。请向县电教馆重新索取该资源包。',
    en: 'The pack’s manifest is invalid; import refused and the library is unchanged. Ask the county for a fresh copy.',
  },
  'import.bad-pack': {
    zh: '这不是有效的资源包文件（.tpk），已拒绝导入。请重新复制该文件。',
    en: 'This is not a valid pack file (.tpk); import refused. Copy the file again.',
  },
  'import.bad-blob': {
    zh: '资源包中有文件已损坏或被篡改，已停止导入，资源库没有改变。请向县电教馆重新索取该资源包。',
    en: 'A file inside the pack is damaged or tampered with; import stopped and the library is unchanged. Ask the county for a fresh copy.',
  },
  'import.truncated': {
    zh: '资源包文件不完整（可能没有复制完），已拒绝导入，资源库没有改变。请重新复制该资源包后再试。',
    en: 'The pack file is incomplete (perhaps not fully copied); import refused and the library is unchanged. Copy it again and retry.',
  },
  'import.copy-damaged': {
    zh: '本机已安装这个版本的资源包（资源库完好，未做改动），但这份资源包文件已损坏（有文件校验失败）。请不要再用它给其他电脑导入，向县电教馆重新索取一份。',
    en: 'This version of the pack is already installed (the library is intact and unchanged), but this copy of the pack file is damaged (a file fails its checksum). Do not use it to import on other computers; ask the county for a fresh copy.',
  },
  'import.disk-full': {
    zh: '本机磁盘空间不足，无法导入，资源库没有改变。请删除不用的资源包或文件，腾出空间后重试。',
    en: 'Not enough disk space on this computer to import; the library is unchanged. Remove unused packs or files and try again.',
  },
  'import.source-gone': {
    zh: '读取资源包时U盘被拔出或文件消失，导入已停止，资源库没有改变。请重新插好U盘后再次导入（已复制的部分不会重复复制）。',
    en: 'The USB stick was removed or the pack file disappeared while importing; import stopped and the library is unchanged. Reinsert the stick and import again (copied parts are kept).',
  },
  'import.downgrade': {
    zh: '本机已安装该资源包的更新版本，已拒绝导入旧版本。如确需回退，请使用“强制”选项（--force）。',
    en: 'A newer version of this pack is already installed; the older one was refused. To roll back on purpose, use the force option (--force).',
  },
  'import.cancelled': { zh: '导入已取消，资源库没有改变。', en: 'Import cancelled; the library is unchanged.' },
  'import.busy': {
    zh: '正在导入另一个资源包，请等它完成后再试。',
    en: 'Another pack is being imported. Wait for it to finish and try again.',
  },
  'import.write-failed': {
    zh: '写入本机磁盘失败，导入已停止，资源库没有改变。请检查磁盘后重试。',
    en: 'Writing to this computer’s disk failed; import stopped and the library is unchanged. Check the disk and try again.',
  },
  'import.not-found': {
    zh: '找不到要导入的文件或文件夹。请检查路径是否正确、U盘是否插好。',
    en: 'The file or folder to import was not found. Check the path and that the USB stick is inserted.',
  },
  'import.not-a-file': {
    zh: '请选择一个资源包文件（.tpk），而不是文件夹。要导入整个文件夹，请使用命令 teachpoint packs import <文件夹>。',
    en: 'Choose one pack file (.tpk), not a folder. To import a whole folder, use `teachpoint packs import <folder>`.',
  },
  'import.no-packs': {
    zh: '该文件夹中没有资源包（.tpk）文件。',
    en: 'There are no pack (.tpk) files in this folder.',
  },
  'packs.not-installed': {
    zh: '本机没有安装该资源包。',
    en: 'That pack is not installed on this computer.',
  },
  'export.disk-full': {
    zh: '目标磁盘（U盘）空间不足，未导出。请换一个空间更大的U盘，或少选几个资源包。',
    en: 'Not enough space on the target drive (USB stick); nothing was exported. Use a bigger stick or choose fewer packs.',
  },
  'export.verify-failed': {
    zh: '导出后的资源包校验失败（U盘可能有坏块），已删除该文件。请换一个U盘重试。',
    en: 'The exported pack failed verification (the stick may be faulty); the file was deleted. Try another stick.',
  },
  'export.write-failed': {
    zh: '写入目标磁盘失败（U盘可能已拔出或写保护），未完成导出。请检查U盘后重试。',
    en: 'Writing to the target drive failed (stick removed or write-protected); export not completed. Check the stick and try again.',
  },
  'export.missing-blob': {
    zh: '本机资源库缺少该资源包的部分文件，无法导出。请运行“teachpoint store scrub”并重新导入该资源包。',
    en: 'Some of this pack’s files are missing from the library, so it cannot be exported. Run “teachpoint store scrub” and import the pack again.',
  },
};

export function importError(code: ImportErrorCode, details?: Record<string, unknown>): TeachPointError {
  return new TeachPointError(code, TEXT[code], details);
}
