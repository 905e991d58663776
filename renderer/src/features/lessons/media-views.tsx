import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MediaResource } from '../../../../content-packs/format/manifest';
import { useServices } from '../../app/services';

/** Full screen on the projector for one element (video, courseware frame). */
function FullscreenButton({ target }: { target: React.RefObject<HTMLElement | null> }) {
  const { t } = useTranslation();
  if (typeof document.documentElement.requestFullscreen !== 'function') return null;
  return (
    <button type="button" className="button" onClick={() => void target.current?.requestFullscreen().catch(() => undefined)}>
      {t('lesson.fullscreen')}
    </button>
  );
}

/** What every viewer needs from a resource: the playable blob, optional thumbnail and subtitles. */
export interface PlayableMedia {
  kind: MediaResource['kind'];
  title: string;
  blob: { sha256: string; mime: string };
  thumbnail?: { sha256: string } | null;
  subtitles?: Array<{ lang: string; label?: string; blob: { sha256: string } }>;
  entry?: string;
}

export function VideoView({ media }: { media: PlayableMedia }) {
  const { platform } = useServices();
  const ref = useRef<HTMLVideoElement>(null);
  const tracks = media.subtitles ?? [];
  return (
    <div className="viewer">
      <video
        ref={ref}
        className="viewer-video"
        controls
        preload="metadata"
        src={platform.mediaUrl(media.blob.sha256)}
        poster={media.thumbnail ? platform.mediaUrl(media.thumbnail.sha256) : undefined}
        // Subtitles on tp-media:// are cross-origin to app://; the media scheme answers CORS for the app origin.
        crossOrigin={platform.kind === 'electron' && tracks.length > 0 ? 'anonymous' : undefined}
        aria-label={media.title}
      >
        {tracks.map((s, i) => (
          <track key={s.blob.sha256} kind="subtitles" src={platform.mediaUrl(s.blob.sha256)} srcLang={s.lang} label={s.label ?? s.lang} default={i === 0} />
        ))}
      </video>
      <div className="viewer-actions">
        <FullscreenButton target={ref} />
      </div>
    </div>
  );
}

export function AudioView({ media }: { media: PlayableMedia }) {
  const { platform } = useServices();
  return (
    <div className="viewer">
      <audio className="viewer-audio" controls preload="metadata" src={platform.mediaUrl(media.blob.sha256)} aria-label={media.title} />
    </div>
  );
}

export function ImageView({ media }: { media: PlayableMedia }) {
  const { platform } = useServices();
  return (
    <Expandable>
      <img className="viewer-image" src={platform.mediaUrl(media.blob.sha256)} alt={media.title} />
    </Expandable>
  );
}

/** Chromium's own PDF viewer in a frame; "enlarge" fills the window, the web build can also open a tab. */
export function PdfView({ media }: { media: PlayableMedia }) {
  const { t } = useTranslation();
  const { platform } = useServices();
  const url = platform.mediaUrl(media.blob.sha256);
  return (
    <Expandable
      extra={
        platform.kind === 'web' ? (
          <a className="button" href={url} target="_blank" rel="noreferrer">
            {t('lesson.openNewTab')}
          </a>
        ) : null
      }
      note={t('lesson.pdfNote')}
    >
      <iframe className="viewer-pdf" src={url} title={media.title} />
    </Expandable>
  );
}

/**
 * HTML5 courseware from its zip, under /courseware/<sha256>/ (sandboxing CSP from the host) and a
 * sandbox attribute here as well: scripts only, opaque origin, no forms/popups/top navigation.
 */
export function CoursewareView({ media }: { media: PlayableMedia }) {
  const { t } = useTranslation();
  const { platform } = useServices();
  const ref = useRef<HTMLIFrameElement>(null);
  return (
    <div className="viewer">
      <iframe
        ref={ref}
        className="viewer-courseware"
        src={platform.coursewareUrl(media.blob.sha256, media.entry ?? 'index.html')}
        title={media.title}
        sandbox="allow-scripts"
        allow="fullscreen"
        referrerPolicy="no-referrer"
      />
      <div className="viewer-actions">
        <FullscreenButton target={ref} />
        <span className="muted">{t('lesson.coursewareNote')}</span>
      </div>
    </div>
  );
}

function Expandable({ children, extra, note }: { children: ReactNode; extra?: ReactNode; note?: string }) {
  const { t } = useTranslation();
  const [expanded, setExpanded] = useState(false);
  return (
    <div className={expanded ? 'viewer viewer-expanded' : 'viewer'}>
      {children}
      <div className="viewer-actions">
        <button type="button" className="button" aria-pressed={expanded} onClick={() => setExpanded((e) => !e)}>
          {expanded ? t('lesson.closeExpanded') : t('lesson.expand')}
        </button>
        {extra}
        {note ? <span className="muted">{note}</span> : null}
      </div>
    </div>
  );
}

export function MediaView({ media }: { media: PlayableMedia }) {
  switch (media.kind) {
    case 'video':
      return <VideoView media={media} />;
    case 'audio':
      return <AudioView media={media} />;
    case 'image':
      return <ImageView media={media} />;
    case 'pdf':
      return <PdfView media={media} />;
    case 'html5':
      return <CoursewareView media={media} />;
  }
}
