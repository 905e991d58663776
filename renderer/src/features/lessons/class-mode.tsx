import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { pagingDirection } from './stage-pager';

/** A key typed into a form control is text, not a command. */
function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset'].includes(type);
}

/**
 * Class mode for the projector: F (or the button) makes the lesson page full screen with large
 * controls; PageUp/PageDown and the arrow keys (what presenter remotes send) call `step`; B — and
 * '.', the "black screen" key of many remotes — blacks the screen; Esc leaves. Full screen is asked
 * of the browser but not required: the page covers the window either way (CSS), so class mode also
 * works where full screen is refused. Leaving full screen with the browser's own Esc leaves class mode.
 */
export function useClassMode(root: RefObject<HTMLElement | null>, step: (direction: 1 | -1) => void, available: boolean) {
  const [on, setOn] = useState(false);
  const [black, setBlack] = useState(false);
  const wentFullscreen = useRef(false);
  const stepRef = useRef(step);
  stepRef.current = step;

  const enter = useCallback(() => {
    setOn(true);
    setBlack(false);
    const el = root.current;
    if (el && typeof el.requestFullscreen === 'function' && !document.fullscreenElement) {
      el.requestFullscreen().then(
        () => void (wentFullscreen.current = true),
        () => void (wentFullscreen.current = false),
      );
    }
  }, [root]);

  const exit = useCallback(() => {
    setOn(false);
    setBlack(false);
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    wentFullscreen.current = false;
  }, []);

  const toggleBlack = useCallback(() => setBlack((b) => !b), []);

  useEffect(() => {
    const onChange = () => {
      if (!document.fullscreenElement && wentFullscreen.current) {
        wentFullscreen.current = false;
        setOn(false);
        setBlack(false);
      }
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey || typingInto(e.target)) return;
      if (!on) {
        if (available && (e.key === 'f' || e.key === 'F' || e.key === 'F5')) {
          e.preventDefault();
          enter();
        }
        return;
      }
      let handled = true;
      const direction = pagingDirection(e.key);
      if (direction !== 0) {
        if (black) setBlack(false);
        else stepRef.current(direction);
      } else if (e.key === 'b' || e.key === 'B' || e.key === '.') toggleBlack();
      else if (e.key === 'Escape') {
        if (black) setBlack(false);
        else exit();
      } else handled = false;
      if (handled) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    // Capture: the focused <video> would otherwise seek on the arrow keys.
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, [on, black, available, enter, exit, toggleBlack]);

  // Leaving the page (route change) leaves full screen too.
  useEffect(
    () => () => {
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    },
    [],
  );

  return { on, black, enter, exit, toggleBlack };
}

/** The large controls along the bottom in class mode, and the black screen. */
export function ClassModeBar({
  title,
  itemTitle,
  index,
  total,
  onPrev,
  onNext,
  black,
  onBlack,
  onExit,
}: {
  title: string;
  itemTitle: string;
  index: number;
  total: number;
  onPrev: () => void;
  onNext: () => void;
  black: boolean;
  onBlack: () => void;
  onExit: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <div className="class-bar" role="toolbar" aria-label={t('classMode.label')}>
        <button type="button" className="class-button" onClick={onPrev}>
          ◀ {t('classMode.prev')}
        </button>
        <div className="class-where">
          <span className="class-title">{title}</span>
          <span className="class-item" data-testid="class-item">
            {itemTitle} · {t('classMode.position', { current: index + 1, total })}
          </span>
        </div>
        <button type="button" className="class-button" onClick={onNext}>
          {t('classMode.next')} ▶
        </button>
        <button type="button" className="class-button" onClick={onBlack}>
          {t('classMode.black')}
        </button>
        <button type="button" className="class-button" onClick={onExit}>
          {t('classMode.exit')}
        </button>
      </div>
      {black ? (
        <div className="class-black" data-testid="class-black" role="button" tabIndex={0} aria-label={t('classMode.unblack')} onClick={onBlack}>
          <span className="visually-hidden">{t('classMode.blackNote')}</span>
        </div>
      ) : null}
    </>
  );
}
