import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../../content-packs/media';
import { createHost, type Host } from '../host';
import { startHttpTransport, type HttpTransport } from './server';

const TOKEN = 'upload-test-token-0123456789abcdefghijklmnop';
const LIMIT = 64 * 1024;
let root: string;
let host: Host;
let server: HttpTransport;
let png: Buffer;
/** Uploads are teacher-mode only: a session from setting the PIN (X-Teacher-Session header). */
let teacherSession: string;

beforeAll(async () => {
  root = fs.mkdtempSync(join(tmpdir(), 'tp-upload-'));
  const pngFile = join(root, 'in.png');
  execFileSync(resolveFfmpeg(), ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=blue:size=40x30', '-frames:v', '1', pngFile]);
  png = fs.readFileSync(pngFile);
  host = await createHost({ dataDir: join(root, 'data'), shell: 'browser', appVersion: '0.0.0-test', extraDrives: [], readDrives: async () => [], log: () => undefined });
  server = await startHttpTransport({ handlers: host.handlers, events: host.events, media: host.media, materials: host.materials, staticDir: null, token: TOKEN, maxUploadBytes: LIMIT, log: () => undefined });
  teacherSession = (await host.handlers['teacher.setPin']({ pin: '2468' })).session;
});

afterAll(async () => {
  await server.close();
  await host.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(path: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | null; chunked?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path, method: init.method ?? 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...init.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (init.body && init.chunked) {
      // No Content-Length: the limit must be enforced while streaming.
      for (let i = 0; i < init.body.length; i += 8192) req.write(init.body.subarray(i, i + 8192));
      req.end();
    } else req.end(init.body ?? undefined);
  });
}

const authHeaders = () => ({ Authorization: `Bearer ${TOKEN}`, 'X-Teacher-Session': teacherSession });
const upload = (name: string, body: Buffer, headers: Record<string, string> = authHeaders(), chunked = false) =>
  request(`/api/materials/upload?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', ...headers }, body, chunked });

const json = (r: Reply) => JSON.parse(r.body.toString('utf8')) as { ok: boolean; value?: { id: string; title: string; kind: string; blob: { sha256: string; mime: string } }; error?: { code: string; message: { zh: string; en: string } } };
const workFiles = () => {
  const dir = join(root, 'data', 'work', String(process.pid));
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};

describe('POST /api/materials/upload', () => {
  it('requires the Bearer token (no file is written, nothing is added)', async () => {
    for (const headers of [{}, { Authorization: 'Bearer wrong' }] as Array<Record<string, string>>) {
      const r = await upload('a.png', png, headers);
      expect(r.status).toBe(401);
      expect(json(r).error?.code).toBe('bridge.unauthorized');
    }
    // The token in the query (as /media accepts) is not enough for a write.
    const q = await request(`/api/materials/upload?name=a.png&token=${TOKEN}`, { method: 'POST', body: png });
    expect(q.status).toBe(401);
    expect(await host.materials.list()).toEqual([]);
    expect(workFiles()).toEqual([]);
  });

  it('refuses an upload without a live teacher session (teacher.locked) before reading the body', async () => {
    for (const extra of [{}, { 'X-Teacher-Session': 'not-a-session-0123456789' }] as Array<Record<string, string>>) {
      const r = await upload('a.png', png, { Authorization: `Bearer ${TOKEN}`, ...extra });
      expect(r.status).toBe(422);
      expect(json(r).error?.code).toBe('teacher.locked');
    }
    expect(await host.materials.list()).toEqual([]);
    expect(workFiles()).toEqual([]);
  });

  it('stores an uploaded picture as a material under its own name, served afterwards from /media', async () => {
    const r = await upload('黑板报.png', png);
    expect(r.status).toBe(200);
    const m = json(r).value!;
    expect(m).toMatchObject({ title: '黑板报', kind: 'image', blob: { sha256: createHash('sha256').update(png).digest('hex'), mime: 'image/png' } });
    expect((await host.materials.list()).map((x) => x.id)).toContain(m.id);
    const media = await request(`/media/${m.blob.sha256}?token=${TOKEN}`);
    expect(media.status).toBe(200);
    expect(media.headers['content-type']).toBe('image/png');
    expect(media.body.equals(png)).toBe(true);
    expect(workFiles()).toEqual([]);
  });

  it('refuses a body over the size limit: declared (413 at once) or streamed without a length', async () => {
    const big = Buffer.alloc(LIMIT + 1, 1);
    const declared = await upload('big.png', big);
    expect(declared.status).toBe(413);
    expect(json(declared).error?.code).toBe('materials.too-large');
    const streamed = await upload('big.png', big, { ...authHeaders(), 'Transfer-Encoding': 'chunked' }, true);
    expect(streamed.status).toBe(413);
    expect(json(streamed).error?.code).toBe('materials.too-large');
    expect(workFiles()).toEqual([]);
  });

  it('answers bad files with the bilingual materials error and keeps nothing', async () => {
    const before = (await host.materials.list()).length;
    const exe = await upload('setup.exe', Buffer.from('MZ'));
    expect(exe.status).toBe(422);
    expect(json(exe).error).toMatchObject({ code: 'materials.unsupported-type', message: { zh: expect.stringContaining('不支持'), en: expect.stringContaining('not supported') } });
    const broken = await upload('录像.mp4', Buffer.alloc(2048, 9));
    expect(json(broken).error?.code).toBe('materials.unreadable');
    const noName = await upload('', png);
    expect(noName.status).toBe(400);
    // A path in the name is reduced to the file name; it never becomes a path.
    const sneaky = await upload('../../../etc/x.png', png);
    expect(sneaky.status).toBe(200);
    expect(json(sneaky).value?.title).toBe('x');
    expect((await host.materials.list()).length).toBe(before + 1);
    expect(workFiles()).toEqual([]);
  });

  it('answers other methods with 405', async () => {
    const r = await request('/api/materials/upload?name=a.png', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(405);
  });
});
