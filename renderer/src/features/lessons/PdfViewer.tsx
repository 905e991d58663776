import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TeachPointError } from '../../../../common/errors/errors';
import { ErrorMessage } from '../../app/ErrorMessage';
import type { PdfDocument } from './pdfjs';
import { pagingDirection, useStagePager } from './stage-pager';

type Fit = 'width' | 'page';

function unreadable(reason: unknown): TeachPointError {
  return new TeachPointError(
    'lessons.pdf-unreadable',
    {
      zh: '这个 PDF 文件打不开（可能已损坏或不完整）。请先用本课的其他资源上课；资源包需要请县电教馆重新制作后再导入。',
      en: 'This PDF cannot be opened (it may be damaged or incomplete). Teach with the lesson’s other resources for now; ask the county office for a rebuilt pack and import it again.',
    },
    { reason: reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason) },
  );
}

/**
 * A PDF drawn by pdf.js, one page at a time, fitted to the width or the whole page into the space it
 * has (a projector at 1024×768 shows a whole page with "整页"). Turn pages with the buttons or, when
 * it has focus, PageUp/PageDown and the arrow keys; in class mode the lesson page sends those keys here
 * through the stage pager. A file pdf.js cannot read shows an error, never a blank frame.
 */
export function PdfViewer({ url, title, initialPage = 1, onPageChange }: { url: string; title: string; initialPage?: number; onPageChange?: (page: number) => void }) {
  const { t } = useTranslation();
  const [doc, setDoc] = useState<PdfDocument | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pageNumber, setPageNumber] = useState(initialPage);
  const [fit, setFit] = useState<Fit>('page');
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [rendered, setRendered] = useState(0);
  const stage = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let live = true;
    let destroy = () => {};
    setDoc(null);
    setError(null);
    import('./pdfjs')
      .then(({ openPdf }) => {
        if (!live) return;
        const load = openPdf(url);
        destroy = load.destroy;
        return load.promise.then((d) => {
          if (!live) return;
          setDoc(d);
          setPageNumber((p) => Math.min(Math.max(1, p), d.numPages));
        });
      })
      .catch((err: unknown) => live && setError(unreadable(err)));
    return () => {
      live = false;
      destroy();
    };
  }, [url]);

  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [doc]);

  useEffect(() => {
    if (!doc || !size || !canvas.current || size.width === 0) return;
    let cancelled = false;
    let task: { cancel(): void; promise: Promise<void> } | null = null;
    const c = canvas.current;
    (async () => {
      const page = await doc.getPage(pageNumber);
      if (cancelled) return;
      const base = page.getViewport({ scale: 1 });
      const scale = fit === 'width' || size.height === 0 ? size.width / base.width : Math.min(size.width / base.width, size.height / base.height);
      const dpr = window.devicePixelRatio || 1;
      const viewport = page.getViewport({ scale: scale * dpr });
      c.width = Math.floor(viewport.width);
      c.height = Math.floor(viewport.height);
      c.style.width = `${Math.floor(viewport.width / dpr)}px`;
      c.style.height = `${Math.floor(viewport.height / dpr)}px`;
      const ctx = c.getContext('2d');
      if (!ctx) return;
      task = page.render({ canvasContext: ctx, viewport });
      await task.promise;
      if (!cancelled) setRendered((n) => n + 1);
    })().catch((err: unknown) => {
      if (!cancelled && !(err instanceof Error && err.name === 'RenderingCancelledException')) setError(unreadable(err));
    });
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [doc, pageNumber, fit, size]);

  const numPages = doc?.numPages ?? 0;
  const go = useCallback(
    (delta: number): boolean => {
      if (!doc) return false;
      const target = pageNumber + delta;
      if (target < 1 || target > doc.numPages) return false;
      setPageNumber(target);
      onPageChange?.(target);
      return true;
    },
    [doc, pageNumber, onPageChange],
  );
  const pager = useMemo(() => ({ next: () => go(1), prev: () => go(-1) }), [go]);
  useStagePager(pager);

  if (error) return <ErrorMessage error={error} />;
  return (
    <div className="viewer pdf-viewer">
      <div
        ref={stage}
        className={`pdf-stage pdf-fit-${fit}`}
        tabIndex={0}
        role="document"
        aria-label={t('pdf.document', { title })}
        aria-busy={!doc}
        onKeyDown={(e) => {
          const d = pagingDirection(e.key);
          if (d !== 0 && go(d)) e.preventDefault();
        }}
      >
        {doc ? null : <p className="muted pdf-loading">{t('pdf.loading')}</p>}
        <canvas ref={canvas} className="pdf-canvas" data-page={pageNumber} data-rendered={rendered} aria-hidden="true" />
      </div>
      <div className="viewer-actions pdf-actions">
        <button type="button" className="button" disabled={!doc || pageNumber <= 1} onClick={() => go(-1)}>
          {t('pdf.prev')}
        </button>
        <span className="pdf-page" aria-live="polite" data-testid="pdf-page">
          {doc ? t('pdf.page', { page: pageNumber, count: numPages }) : ''}
        </span>
        <button type="button" className="button" disabled={!doc || pageNumber >= numPages} onClick={() => go(1)}>
          {t('pdf.next')}
        </button>
        <button type="button" className="button" aria-pressed={fit === 'width'} onClick={() => setFit((f) => (f === 'width' ? 'page' : 'width'))}>
          {fit === 'width' ? t('pdf.fitPage') : t('pdf.fitWidth')}
        </button>
      </div>
    </div>
  );
}
