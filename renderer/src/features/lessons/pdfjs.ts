/**
 * pdf.js, loaded on first use (it is ~1 MB; most lessons have no PDF). The legacy build: the modern
 * one of pdfjs-dist 3.11 uses syntax Chrome 108 (Electron 22) parses but some APIs it lacks; the
 * legacy build is transpiled and polyfilled for older browsers. Worker, CMaps (Chinese PDFs whose
 * fonts are not embedded need Adobe-GB1 CMaps) and the standard fonts come from the bundle: nothing
 * is fetched off the device.
 */
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf';
import workerUrl from 'pdfjs-dist/legacy/build/pdf.worker.min.js?url';

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

const cmapUrls = import.meta.glob('../../../../node_modules/pdfjs-dist/cmaps/*.bcmap', { query: '?url', import: 'default', eager: true }) as Record<string, string>;
const fontUrls = import.meta.glob('../../../../node_modules/pdfjs-dist/standard_fonts/*', { query: '?url', import: 'default', eager: true }) as Record<string, string>;

function byFileName(urls: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(urls).map(([path, url]) => [path.slice(path.lastIndexOf('/') + 1), url]));
}
const cmaps = byFileName(cmapUrls);
const fonts = byFileName(fontUrls);

async function fetchBytes(url: string | undefined, what: string): Promise<Uint8Array> {
  if (!url) throw new Error(`pdf.js asked for ${what}, which is not bundled`);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** pdf.js' CMap factory interface (`fetch({ name })`), reading the hashed bundle URLs. */
class BundledCMapReaderFactory {
  async fetch({ name }: { name: string }) {
    // CMapCompressionType.BINARY = 1
    return { cMapData: await fetchBytes(cmaps.get(`${name}.bcmap`), `CMap ${name}`), compressionType: 1 };
  }
}

class BundledStandardFontDataFactory {
  async fetch({ filename }: { filename: string }) {
    return fetchBytes(fonts.get(filename), `font ${filename}`);
  }
}

export type PdfDocument = pdfjs.PDFDocumentProxy;
export type PdfPage = pdfjs.PDFPageProxy;

export interface PdfLoad {
  promise: Promise<PdfDocument>;
  destroy: () => void;
}

/** One worker for every PDF of the session: switching between PDFs does not load and parse it again. */
let sharedWorker: pdfjs.PDFWorker | null = null;

export function openPdf(url: string): PdfLoad {
  if (!sharedWorker || sharedWorker.destroyed) sharedWorker = new pdfjs.PDFWorker();
  const task = pdfjs.getDocument({
    url,
    worker: sharedWorker,
    // The factories above answer on the main thread; the worker does not fetch by itself.
    useWorkerFetch: false,
    cMapUrl: 'bundle:',
    cMapPacked: true,
    standardFontDataUrl: 'bundle:',
    CMapReaderFactory: BundledCMapReaderFactory,
    StandardFontDataFactory: BundledStandardFontDataFactory,
    // The app's CSP has no 'unsafe-eval'.
    isEvalSupported: false,
    // Courseware-style scripting in PDFs is not wanted on the projector.
    enableXfa: false,
  });
  return { promise: task.promise, destroy: () => void task.destroy() };
}
