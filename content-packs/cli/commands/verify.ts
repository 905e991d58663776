/** tpk verify <pack.tpk> --trust <root.pub> [--revocations <file>] [--json] → exit 0 valid, 1 with every problem listed */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TeachPointError } from '../../../common/errors/errors';
import { formatProblem, type PackProblem } from '../../format/problems';
import { parsePublicKeyFile } from '../../format/trust';
import { verifyPackFile } from '../../node/verify';
import { defineCommand, formatBytes, jsonArg, readTextFile } from '../_shared';

export default defineCommand({
  meta: {
    name: 'verify',
    usage: 'verify <pack.tpk> --trust <root.pub> [--revocations <file>] [--json]',
    description: {
      zh: '完整校验资源包：容器结构、清单格式、签名、证书链（受信根、有效期、吊销）以及每个文件的 sha256。有效则退出码为 0，否则列出全部问题并以 1 退出。',
      en: 'Fully verify a pack: container, manifest schema, signature, certificate chain (trusted root, validity, revocation) and every blob sha256. Exit 0 when valid; otherwise list every problem and exit 1.',
    },
  },
  positionals: { min: 1, max: 1, names: ['pack.tpk'] },
  args: {
    trust: { type: 'string', valueName: 'root.pub', required: true, description: { zh: '受信任的省级根公钥（多个用逗号分隔）', en: 'Trusted province root public key(s), comma-separated' } },
    revocations: { type: 'string', valueName: 'file', description: { zh: '省级平台发布的吊销列表', en: 'Revocation list published by the province' } },
    ...jsonArg,
  },
  async run({ values, positionals, io }) {
    const roots = [];
    for (const p of values.trust!.split(',').map((s) => s.trim()).filter(Boolean)) {
      const path = resolve(io.cwd, p);
      roots.push(parsePublicKeyFile(await readTextFile(path, { zh: '根公钥文件', en: 'root public key file' }), path));
    }
    const revocations: unknown[] = [];
    if (values.revocations) {
      const path = resolve(io.cwd, values.revocations);
      const text = await readTextFile(path, { zh: '吊销列表', en: 'revocation list' });
      try {
        const v = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
        revocations.push(...(Array.isArray(v) ? v : [v]));
      } catch {
        throw new TeachPointError('trust.malformed-file', { zh: `吊销列表不是有效的 JSON：${path}`, en: `The revocation list is not valid JSON: ${path}` }, { file: path });
      }
    }
    const packPath = resolve(io.cwd, positionals[0]!);
    await stat(packPath).catch((err: NodeJS.ErrnoException) => {
      throw new TeachPointError('cli.file-unreadable', { zh: `无法打开资源包：${packPath}（${err.code}）。请检查路径。`, en: `Cannot open the pack: ${packPath} (${err.code}). Check the path.` }, { file: packPath });
    });
    const result = await verifyPackFile(packPath, { trustedRoots: roots, revocations });
    if (values.json) {
      io.stdout.write(JSON.stringify({ ok: result.ok, problems: result.problems, signer: result.signer ? { keyId: result.signer.keyId, name: result.signer.name } : undefined, id: result.manifest?.id, version: result.manifest?.version }, null, 2) + '\n');
      return result.ok ? 0 : 1;
    }
    if (result.ok) {
      const m = result.manifest!;
      io.stdout.write(
        `✓ 资源包有效 / Pack is valid: ${positionals[0]}\n  ${m.title['zh-CN']} (${m.id} v${m.version})\n  发布者 / signer: ${result.signer?.name ?? m.publisher.name} (${result.signer?.keyId ?? m.publisher.keyId})\n  ${m.resources.length} 个资源 / resources, ${formatBytes(m.resources.reduce((n, r) => n + (r.kind === 'exercise-set' ? 0 : r.blob.size), 0))}\n`,
      );
      return 0;
    }
    io.stderr.write(`✗ 资源包无效，共 ${result.problems.length} 个问题 / Pack is NOT valid, ${result.problems.length} problem(s): ${positionals[0]}\n`);
    for (const line of summariseProblems(result.problems)) io.stderr.write(`  ${line}\n`);
    return 1;
  },
});

/** Problems of one code shown before the rest of that code is only counted (--json lists all). */
const SHOWN_PER_CODE = 10;

/** One line per problem, but at most SHOWN_PER_CODE per code, then "… N more of this code". */
export function summariseProblems(problems: readonly PackProblem[]): string[] {
  const byCode = new Map<string, PackProblem[]>();
  for (const p of problems) {
    const list = byCode.get(p.code) ?? [];
    list.push(p);
    byCode.set(p.code, list);
  }
  const lines: string[] = [];
  for (const [code, list] of byCode) {
    for (const p of list.slice(0, SHOWN_PER_CODE)) lines.push(formatProblem(p));
    const more = list.length - SHOWN_PER_CODE;
    if (more > 0) lines.push(`… 另有 ${more} 个同类问题（${code}），用 --json 查看全部 / … ${more} more ${code} problem(s); --json lists them all`);
  }
  return lines;
}
