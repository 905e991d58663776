/**
 * A real publisher block (the dev county key of the sample packs) for manifests made in renderer
 * tests: the bridge contract validates manifests fully, so a made-up certificate would not pass.
 */
export const DEV_PUBLISHER = {
  keyId: '1a0c9aeb4cfd9614',
  name: 'dev-county',
  certificate: {
    type: 'teachpoint-cert/1',
    subject: { keyId: '1a0c9aeb4cfd9614', name: 'dev-county', publicKey: 'Oky4+PrlgBlEr2pSuuSW8/RsKAI7T/wTM3Hz8J4KW3o=' },
    issuerKeyId: 'd7f4c6b23d2759c2',
    notBefore: '2026-11-22T16:42:16.975Z',
    notAfter: '2029-11-23T23:59:59.000Z',
    signature: 'vc28LxWXzMuXCOt5ixAfHjs9y2gfpVF7GOjt62VxPUPuEQcKAysuDnxFfU45enPPl/wNxq4JBsNpHKyiZZVpBg==',
  },
};
