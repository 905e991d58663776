import { useTranslation } from 'react-i18next';
import type { AvatarKey } from '../../../../common/records/records';
import { Avatar, AVATAR_KEYS, avatarName } from './avatars';

/** A grid of the 30 pictures; `selected` pressed. Used for the learner's avatar and for picture passwords. */
export function AvatarPicker({ selected, onPick, label, size = 44 }: { selected: readonly AvatarKey[]; onPick: (k: AvatarKey) => void; label: string; size?: number }) {
  const { i18n } = useTranslation();
  return (
    <div className="avatar-picker" role="group" aria-label={label}>
      {AVATAR_KEYS.map((k) => {
        const name = avatarName(k, i18n.language);
        const index = selected.indexOf(k);
        return (
          <button key={k} type="button" className="avatar-choice" aria-pressed={index >= 0} aria-label={name} title={name} onClick={() => onPick(k)}>
            <Avatar avatar={k} size={size} />
            {index >= 0 && selected.length > 1 ? <span className="avatar-order">{index + 1}</span> : null}
          </button>
        );
      })}
    </div>
  );
}
