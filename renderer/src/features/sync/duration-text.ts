import type { TFunction } from 'i18next';
import { durationKey, durationParts } from '../../format/format';

/** "3 分 20 秒" / "3 min 20 s" — the import panel's duration wording, for ETAs and retry waits. */
export function durationText(t: TFunction, seconds: number): string {
  const parts = durationParts(seconds);
  return t(durationKey(parts), { ...parts });
}
