import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MediaResource } from '../../../../content-packs/format/manifest';
import { useServices } from '../../app/services';
import { PdfViewer } from './PdfViewer';
import { clock } from './positions';

/**
 * Full screen for one viewer (courseware frame). The fullscreen element is the viewer box, not the
 * iframe itself, so a visible "退出全屏" button stays on screen above the courseware (Esc may not reach
 * the page while the courseware frame has focus).
 */
function FullscreenButton({ target }: { target: React.RefObject<HTMLElement | null> }) {
  const { t } = useTranslation();
  if (typeof document.documentElement.requestFullscreen !== 'function') return null;
  return (
    <button type="button" className="button" onClick={() => void target.current?.requestFullscreen().catch(() => undefined)}>
      {t('lesson.fullscreen')}
    </button>
  );
}

function ExitFullscreenButton() {
  const { t } = useTranslation();
  return (
    <button type="button" className="button exit-fullscreen" onClick={() => void document.exitFullscreen().catch(() => undefined)}>
      {t('lesson.exitFullscreen')}
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

/** Where a viewer was left (seconds of a video/audio, page of a PDF) and how it reports moving on. */
export interface ViewerPosition {
  seconds?: number;
  page?: number;
}
export type PositionListener = (position: ViewerPosition, opts?: { now?: boolean }) => void;

export const PLAYBACK_RATES = [0.75, 1, 1.25, 1.5] as const;

/** Seek to the remembered second once the metadata is there (not in the last 3 s: that restarts). */
function useResume(ref: React.RefObject<HTMLMediaElement | null>, startAt: number | undefined) {
  const [resumedAt, setResumedAt] = useState<number | null>(null);
  const onLoadedMetadata = () => {
    const el = ref.current;
    if (!el || !startAt || startAt < 3) return;
    if (Number.isFinite(el.duration) && startAt > el.duration - 3) return;
    el.currentTime = startAt;
    setResumedAt(startAt);
  };
  return { resumedAt, setResumedAt, onLoadedMetadata };
}

export function VideoView({ media, startAt, onPosition }: { media: PlayableMedia; startAt?: number; onPosition?: PositionListener }) {
  const { t } = useTranslation();
  const { platform } = useServices();
  const ref = useRef<HTMLVideoElement>(null);
  const tracks = media.subtitles ?? [];
  const [rate, setRate] = useState(1);
  const [subtitlesOn, setSubtitlesOn] = useState(true);
  const { resumedAt, setResumedAt, onLoadedMetadata } = useResume(ref, startAt);

  useEffect(() => {
    if (ref.current) ref.current.playbackRate = rate;
  }, [rate]);
  // <track default> shows the first track; the switch hides or shows all of them.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const apply = () => {
      for (let i = 0; i < el.textTracks.length; i++) {
        const tt = el.textTracks[i]!;
        tt.mode = subtitlesOn ? (i === 0 ? 'showing' : 'hidden') : 'disabled';
      }
    };
    apply();
    el.textTracks.addEventListener('addtrack', apply);
    return () => el.textTracks.removeEventListener('addtrack', apply);
  }, [subtitlesOn]);

  const report = (now: boolean) => {
    const el = ref.current;
    if (el && onPosition) onPosition({ seconds: el.currentTime }, { now });
  };

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
        onLoadedMetadata={(e) => {
          e.currentTarget.playbackRate = rate;
          onLoadedMetadata();
        }}
        onTimeUpdate={() => report(false)}
        onPause={() => report(true)}
        onEnded={() => report(true)}
      >
        {tracks.map((s, i) => (
          <track key={s.blob.sha256} kind="subtitles" src={platform.mediaUrl(s.blob.sha256)} srcLang={s.lang} label={s.label ?? s.lang} default={i === 0} />
        ))}
      </video>
      <div className="viewer-actions video-actions">
        <div className="segmented" role="group" aria-label={t('video.speed')}>
          <span className="segmented-label">{t('video.speed')}</span>
          {PLAYBACK_RATES.map((r) => (
            <button key={r} type="button" className="button button-small" aria-pressed={rate === r} onClick={() => setRate(r)}>
              {t('video.speedValue', { speed: r })}
            </button>
          ))}
        </div>
        {tracks.length > 0 ? (
          <button type="button" className="button button-small" aria-pressed={subtitlesOn} onClick={() => setSubtitlesOn((v) => !v)}>
            {subtitlesOn ? t('video.subtitlesOn') : t('video.subtitlesOff')}
          </button>
        ) : null}
        {resumedAt !== null ? (
          <span className="resume-note">
            {t('video.resumed', { time: clock(resumedAt) })}{' '}
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                if (ref.current) ref.current.currentTime = 0;
                setResumedAt(null);
                report(true);
              }}
            >
              {t('video.fromStart')}
            </button>
          </span>
        ) : null}
      </div>
    </div>
  );
}

export function AudioView({ media, startAt, onPosition }: { media: PlayableMedia; startAt?: number; onPosition?: PositionListener }) {
  const { platform } = useServices();
  const ref = useRef<HTMLAudioElement>(null);
  const { onLoadedMetadata } = useResume(ref, startAt);
  const report = (now: boolean) => ref.current && onPosition?.({ seconds: ref.current.currentTime }, { now });
  return (
    <div className="viewer">
      <audio
        ref={ref}
        className="viewer-audio"
        controls
        preload="metadata"
        src={platform.mediaUrl(media.blob.sha256)}
        aria-label={media.title}
        onLoadedMetadata={onLoadedMetadata}
        onTimeUpdate={() => report(false)}
        onPause={() => report(true)}
      />
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

/** PDFs are drawn by pdf.js (PdfViewer): fit to the projector, page by page, keys turn pages. */
export function PdfView({ media, startPage, onPosition }: { media: PlayableMedia; startPage?: number; onPosition?: PositionListener }) {
  const { platform } = useServices();
  return <PdfViewer url={platform.mediaUrl(media.blob.sha256)} title={media.title} initialPage={startPage} onPageChange={(page) => onPosition?.({ page }, { now: true })} />;
}

/**
 * HTML5 courseware from its zip, under /courseware/<sha256>/ (sandboxing CSP from the host) and a
 * sandbox attribute here as well: scripts only, opaque origin, no forms/popups/top navigation.
 */
export function CoursewareView({ media }: { media: PlayableMedia }) {
  const { t } = useTranslation();
  const { platform } = useServices();
  const ref = useRef<HTMLDivElement>(null);
  return (
    <div className="viewer viewer-courseware-box" ref={ref}>
      <ExitFullscreenButton />
      <iframe
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

export function MediaView({ media, position, onPosition }: { media: PlayableMedia; position?: ViewerPosition; onPosition?: PositionListener }) {
  switch (media.kind) {
    case 'video':
      return <VideoView media={media} startAt={position?.seconds} onPosition={onPosition} />;
    case 'audio':
      return <AudioView media={media} startAt={position?.seconds} onPosition={onPosition} />;
    case 'image':
      return <ImageView media={media} />;
    case 'pdf':
      return <PdfView media={media} startPage={position?.page} onPosition={onPosition} />;
    case 'html5':
      return <CoursewareView media={media} />;
  }
}
