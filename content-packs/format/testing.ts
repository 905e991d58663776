/**
 * Test helpers (browser-safe): a complete, valid manifest with one item of every exercise type,
 * and a throwaway trust chain. Used by tests here and by other content-packs tests.
 */
import { type Certificate, type PrivateKeyFile, type PublicKeyFile, createKeyFiles, issueCertificate } from './trust';
import type { Ed25519 } from './ed25519';
import type { BlobRef, PackManifestInput } from './manifest';

export interface TestTrust {
  root: { publicKeyFile: PublicKeyFile; privateKeyFile: PrivateKeyFile };
  county: { publicKeyFile: PublicKeyFile; privateKeyFile: PrivateKeyFile };
  cert: Certificate;
}

export async function makeTestTrust(options: { notBefore?: string; notAfter?: string; ed25519?: Ed25519 } = {}): Promise<TestTrust> {
  const root = await createKeyFiles('某省电教馆根密钥', options.ed25519);
  const county = await createKeyFiles('某县电教馆', options.ed25519);
  const cert = await issueCertificate(
    { issuer: root.privateKeyFile, subject: county.publicKeyFile, notBefore: options.notBefore ?? '2024-01-01T00:00:00Z', notAfter: options.notAfter ?? '2099-01-01T00:00:00Z' },
    options.ed25519,
  );
  return { root, county, cert };
}

export function sampleManifest(cert: Certificate, blobs: { video: BlobRef; thumb: BlobRef; vtt: BlobRef; audio: BlobRef }): PackManifestInput {
  return {
    format: 'teachpoint-pack/1',
    id: 'cn.example.math-g1-v1',
    version: 1,
    title: { 'zh-CN': '一年级数学（上册）第一单元', en: 'Grade 1 Maths, unit 1' },
    publisher: { keyId: cert.subject.keyId, name: cert.subject.name, certificate: cert },
    createdAt: '2025-09-01T08:00:00Z',
    tree: [
      {
        id: 'primary',
        level: 'stage',
        title: { 'zh-CN': '小学' },
        children: [
          {
            id: 'math',
            level: 'subject',
            title: { 'zh-CN': '数学' },
            children: [
              {
                id: 'g1',
                level: 'grade',
                title: { 'zh-CN': '一年级' },
                children: [
                  {
                    id: 'g1-v1',
                    level: 'volume',
                    title: { 'zh-CN': '上册' },
                    children: [
                      {
                        id: 'u1',
                        level: 'unit',
                        title: { 'zh-CN': '第一单元 数一数' },
                        children: [{ id: 'l1', level: 'lesson', title: { 'zh-CN': '1~5的认识' }, resources: ['v1', 'ex1'] }],
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    resources: [
      {
        id: 'v1',
        kind: 'video',
        title: { 'zh-CN': '认识数字' },
        blob: blobs.video,
        durationSec: 12.5,
        thumbnail: blobs.thumb,
        subtitles: [{ lang: 'zh-CN', blob: blobs.vtt }],
        license: 'CC-BY-4.0',
      },
      { id: 'ex1', kind: 'exercise-set', title: { 'zh-CN': '练一练' }, exerciseSetId: 'set1' },
    ],
    exercises: [
      {
        id: 'set1',
        title: { 'zh-CN': '练一练' },
        mastery: { type: 'm-of-n', m: 4, n: 5 },
        items: [
          { id: 'q1', type: 'single-choice', prompt: '3 后面是几？', pinyin: '3 hòu miàn shì jǐ', choices: [{ id: 'a', text: '2' }, { id: 'b', text: '4' }], correct: 'b', hints: ['数一数'], audioPrompt: blobs.audio },
          { id: 'q2', type: 'multiple-choice', prompt: '哪些比 3 大？', choices: [{ id: 'a', text: '1' }, { id: 'b', text: '4' }, { id: 'c', text: '5' }], correct: ['b', 'c'] },
          { id: 'q3', type: 'true-false', prompt: '5 比 4 大。', correct: true, explanation: '5 在 4 的后面。' },
          { id: 'q4', type: 'text-entry', prompt: '“五”写成数字是？', accepted: ['5'] },
          { id: 'q5', type: 'numeric', prompt: '2 + 3 = ?', answer: 5, tolerance: 0 },
          { id: 'q6', type: 'match', prompt: '连一连', left: [{ id: 'l1', text: '一' }, { id: 'l2', text: '二' }], right: [{ id: 'r1', text: '1' }, { id: 'r2', text: '2' }], pairs: [{ left: 'l1', right: 'r1' }, { left: 'l2', right: 'r2' }] },
          { id: 'q7', type: 'order', prompt: '从小到大排一排', choices: [{ id: 'x', text: '3' }, { id: 'y', text: '1' }, { id: 'z', text: '2' }], sequence: ['y', 'z', 'x'] },
        ],
      },
    ],
  };
}
