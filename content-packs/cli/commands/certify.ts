/** tpk certify --root <root.key> --pub <county.pub> --out <county.cert> [--expires YYYY-MM-DD] */
import { defineCommand } from '../_shared';
import { certifyKeyFile } from '../../build/keys';

export default defineCommand({
  meta: {
    name: 'certify',
    usage: 'certify --root <root.key> --pub <county.pub> --out <county.cert> [--expires YYYY-MM-DD]',
    description: { zh: '用省级根私钥为县级发布者公钥签发证书（默认有效期 3 年）。', en: "Issue a certificate for a county publisher's public key with the province root private key (valid 3 years by default)." },
  },
  args: {
    root: { type: 'string', valueName: 'root.key', required: true, description: { zh: '根私钥文件', en: 'Root private key file' } },
    pub: { type: 'string', valueName: 'county.pub', required: true, description: { zh: '要认证的公钥文件', en: 'Public key file to certify' } },
    out: { type: 'string', valueName: 'county.cert', required: true, description: { zh: '证书输出路径', en: 'Certificate output path' } },
    expires: { type: 'string', valueName: 'YYYY-MM-DD', description: { zh: '到期日期（含当天，UTC）', en: 'Expiry date (inclusive, UTC)' } },
  },
  async run({ values, io }) {
    const cert = await certifyKeyFile({ rootKeyPath: values.root!, pubPath: values.pub!, outPath: values.out!, ...(values.expires ? { expires: values.expires } : {}) });
    io.stdout.write(`已签发证书 / Certificate issued: ${values.out}\n  发布者 / subject: ${cert.subject.name} (${cert.subject.keyId})\n  签发者 / issuer:  ${cert.issuerKeyId}\n  有效期 / valid:   ${cert.notBefore} → ${cert.notAfter}\n`);
    return 0;
  },
});
