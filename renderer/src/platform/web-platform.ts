import type { Material } from '../../../common/bridge/methods/materials';
import { bridgeError } from '../../../common/bridge/errors';
import { SHA256_HEX } from '../../../common/media/media';
import { teacherSession } from '../bridge/teacher-session';
import { unwrapResult } from '../bridge/validate';
import type { RendererBridge } from '../bridge/types';
import { BasePlatform, encodeEntryPath } from './base-platform';

/** A browser tab on the host's HTTP transport (dev, kiosk browsers, e2e tests). */
export class WebPlatform extends BasePlatform {
  readonly kind = 'web' as const;

  constructor(
    bridge: RendererBridge,
    private readonly token: string | null,
    private readonly baseUrl = '',
    private readonly fetchImpl: typeof fetch = (...args) => window.fetch(...args),
  ) {
    super(bridge);
  }

  /** `/media/<sha256>?token=…` — <video>/<img> cannot send an Authorization header. */
  mediaUrl(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    const query = this.token ? `?token=${encodeURIComponent(this.token)}` : '';
    return `${this.baseUrl}/media/${sha256}${query}`;
  }

  /** `/courseware/<sha256>/<entry>` — no token: the sandboxed page's own requests could not carry one. */
  coursewareUrl(sha256: string, entry: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return `${this.baseUrl}/courseware/${sha256}/${encodeEntryPath(entry)}`;
  }

  override supportsUpload(): boolean {
    return true;
  }

  /**
   * `POST /api/materials/upload?name=…` with the Bearer token; the File is streamed by the browser
   * (never read into memory here). The answer is the bridge envelope, validated like `materials.add`.
   */
  override async uploadMaterial(file: File, title?: string): Promise<Material> {
    const params = new URLSearchParams({ name: file.name });
    if (title) params.set('title', title);
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    // Teacher mode only: the host refuses the upload (teacher.locked) without a live session.
    const session = teacherSession.get();
    if (session) headers['X-Teacher-Session'] = session;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}/api/materials/upload?${params.toString()}`, { method: 'POST', headers, body: file, cache: 'no-store' });
    } catch (err) {
      throw bridgeError('bridge.transport', { method: 'materials.upload', reason: err instanceof Error ? err.message : String(err) });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw bridgeError('bridge.transport', { method: 'materials.upload', status: response.status, reason: 'not-json' });
    }
    return unwrapResult('materials.add', body);
  }
}
