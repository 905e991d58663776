/** tpk keygen --out <dir> --name <name> → <name>.key (mode 0600) + <name>.pub */
import { defineCommand } from '../_shared';
import { generateKeyPairFiles } from '../../build/keys';

export default defineCommand({
  meta: {
    name: 'keygen',
    usage: 'keygen --out <dir> --name <name>',
    description: { zh: '生成 Ed25519 密钥对：<name>.key（私钥，权限 0600，务必妥善保管）和 <name>.pub（公钥）。', en: 'Generate an Ed25519 key pair: <name>.key (private, mode 0600 — keep it safe) and <name>.pub (public).' },
  },
  args: {
    out: { type: 'string', valueName: 'dir', required: true, description: { zh: '输出文件夹', en: 'Output folder' } },
    name: { type: 'string', valueName: 'name', required: true, description: { zh: '密钥名称（也用作文件名），如“某县电教馆”', en: 'Key name (also the file name), e.g. "county-a"' } },
    force: { type: 'boolean', description: { zh: '覆盖已有文件', en: 'Overwrite existing files' } },
  },
  async run({ values, io }) {
    const r = await generateKeyPairFiles({ dir: values.out!, name: values.name!, force: values.force === true });
    io.stdout.write(`已生成密钥 / Key generated: ${r.keyId}\n  私钥 / private: ${r.keyPath} (0600)\n  公钥 / public:  ${r.pubPath}\n`);
    return 0;
  },
});
