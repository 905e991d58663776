/**
 * The 30 built-in avatar pictures (AVATAR_KEYS in common/records), drawn as small inline SVGs so
 * they render on any PC — no emoji font, no image files, no network. Each is distinct in shape AND
 * colour so a six-year-old who reads few characters can find their own.
 */
import type { ReactElement } from 'react';
import { AVATAR_KEYS, type AvatarKey } from '../../../../common/records/records';

/** Chinese names (shown as the picture's accessible name and under tiles for picture passwords). */
export const AVATAR_NAMES_ZH: Record<AvatarKey, string> = {
  panda: '熊猫', cat: '小猫', dog: '小狗', rabbit: '兔子', tiger: '老虎', monkey: '猴子', elephant: '大象', giraffe: '长颈鹿',
  fox: '狐狸', bear: '小熊', frog: '青蛙', duck: '鸭子', chick: '小鸡', fish: '小鱼', owl: '猫头鹰', lion: '狮子', pig: '小猪',
  cow: '奶牛', horse: '小马', sheep: '绵羊', sun: '太阳', moon: '月亮', star: '星星', flower: '花', tree: '树', apple: '苹果',
  car: '汽车', boat: '小船', kite: '风筝', ball: '皮球',
};
export const AVATAR_NAMES_EN: Record<AvatarKey, string> = {
  panda: 'panda', cat: 'cat', dog: 'dog', rabbit: 'rabbit', tiger: 'tiger', monkey: 'monkey', elephant: 'elephant', giraffe: 'giraffe',
  fox: 'fox', bear: 'bear', frog: 'frog', duck: 'duck', chick: 'chick', fish: 'fish', owl: 'owl', lion: 'lion', pig: 'pig',
  cow: 'cow', horse: 'horse', sheep: 'sheep', sun: 'sun', moon: 'moon', star: 'star', flower: 'flower', tree: 'tree', apple: 'apple',
  car: 'car', boat: 'boat', kite: 'kite', ball: 'ball',
};

export function avatarName(key: AvatarKey, language: string): string {
  return language.startsWith('zh') ? AVATAR_NAMES_ZH[key] : AVATAR_NAMES_EN[key];
}

const BG: Record<AvatarKey, string> = {
  panda: '#d9f0d3', cat: '#fde2c4', dog: '#f3e0c9', rabbit: '#fbe3ee', tiger: '#ffe7b3', monkey: '#eadbc8', elephant: '#dde6f2', giraffe: '#fff1c1',
  fox: '#ffe0cc', bear: '#efdcc9', frog: '#d8f3c8', duck: '#d6ecfb', chick: '#fff6c7', fish: '#cdeefa', owl: '#e9e0f5', lion: '#ffe9b8', pig: '#fde1e8',
  cow: '#e3f1e3', horse: '#f1e4d6', sheep: '#e6eef8', sun: '#dff1ff', moon: '#24335e', star: '#2d3f73', flower: '#e8f7e1', tree: '#e0f3ff', apple: '#fff0e6',
  car: '#e8eef5', boat: '#cfe9fb', kite: '#dcefff', ball: '#eef7e8',
};

const eyes = (y = 46, dx = 10, r = 3.2, fill = '#222') => (
  <>
    <circle cx={50 - dx} cy={y} r={r} fill={fill} />
    <circle cx={50 + dx} cy={y} r={r} fill={fill} />
  </>
);
const smile = (y = 60, w = 8, stroke = '#222') => <path d={`M${50 - w} ${y} Q50 ${y + 7} ${50 + w} ${y}`} fill="none" stroke={stroke} strokeWidth="2.5" strokeLinecap="round" />;

const DRAW: Record<AvatarKey, () => ReactElement> = {
  panda: () => (
    <>
      <circle cx="28" cy="28" r="11" fill="#222" /><circle cx="72" cy="28" r="11" fill="#222" />
      <circle cx="50" cy="54" r="30" fill="#fff" stroke="#222" strokeWidth="2" />
      <ellipse cx="39" cy="50" rx="7" ry="9" fill="#222" /><ellipse cx="61" cy="50" rx="7" ry="9" fill="#222" />
      {eyes(49, 11, 2.5, '#fff')}<ellipse cx="50" cy="62" rx="4" ry="3" fill="#222" />
    </>
  ),
  cat: () => (
    <>
      <path d="M24 40 L28 14 L44 30 Z M76 40 L72 14 L56 30 Z" fill="#f29c38" />
      <circle cx="50" cy="54" r="28" fill="#f6ad55" />
      {eyes(50, 10, 3.5)}<path d="M47 58 L53 58 L50 62 Z" fill="#d9534f" />
      <path d="M30 60 H42 M30 65 H42 M58 60 H70 M58 65 H70" stroke="#7a4a12" strokeWidth="1.5" />
    </>
  ),
  dog: () => (
    <>
      <circle cx="50" cy="52" r="28" fill="#c8935a" />
      <ellipse cx="25" cy="48" rx="9" ry="18" fill="#7a5230" /><ellipse cx="75" cy="48" rx="9" ry="18" fill="#7a5230" />
      {eyes(47, 10)}<ellipse cx="50" cy="60" rx="6" ry="4.5" fill="#222" />{smile(66, 6)}
    </>
  ),
  rabbit: () => (
    <>
      <ellipse cx="38" cy="22" rx="7" ry="18" fill="#fff" stroke="#d99ab5" strokeWidth="2" /><ellipse cx="62" cy="22" rx="7" ry="18" fill="#fff" stroke="#d99ab5" strokeWidth="2" />
      <circle cx="50" cy="58" r="26" fill="#fff" stroke="#d99ab5" strokeWidth="2" />
      {eyes(55, 9)}<circle cx="50" cy="63" r="3" fill="#e57aa0" />
    </>
  ),
  tiger: () => (
    <>
      <circle cx="28" cy="30" r="9" fill="#f08c1a" /><circle cx="72" cy="30" r="9" fill="#f08c1a" />
      <circle cx="50" cy="54" r="29" fill="#f7a23a" />
      <path d="M50 27 V37 M42 29 L44 37 M58 29 L56 37 M22 50 H32 M68 50 H78" stroke="#222" strokeWidth="3" strokeLinecap="round" />
      {eyes(50, 10)}<ellipse cx="50" cy="64" rx="11" ry="8" fill="#fff" /><path d="M47 60 L53 60 L50 64 Z" fill="#222" />
    </>
  ),
  monkey: () => (
    <>
      <circle cx="22" cy="50" r="10" fill="#a86b3c" /><circle cx="78" cy="50" r="10" fill="#a86b3c" />
      <circle cx="50" cy="50" r="28" fill="#8b5a2b" />
      <ellipse cx="50" cy="56" rx="20" ry="17" fill="#f1c99a" />
      {eyes(48, 8)}{smile(62, 7)}
    </>
  ),
  elephant: () => (
    <>
      <ellipse cx="22" cy="48" rx="16" ry="20" fill="#8fa3bf" /><ellipse cx="78" cy="48" rx="16" ry="20" fill="#8fa3bf" />
      <circle cx="50" cy="46" r="24" fill="#a9b9d0" />
      {eyes(42, 9)}<path d="M50 54 Q50 78 60 82" fill="none" stroke="#a9b9d0" strokeWidth="10" strokeLinecap="round" />
    </>
  ),
  giraffe: () => (
    <>
      <path d="M40 26 V12 M60 26 V12" stroke="#b7791f" strokeWidth="4" /><circle cx="40" cy="11" r="4" fill="#7b4a12" /><circle cx="60" cy="11" r="4" fill="#7b4a12" />
      <ellipse cx="50" cy="50" rx="22" ry="28" fill="#f6c453" />
      <circle cx="38" cy="36" r="5" fill="#c0782a" /><circle cx="63" cy="40" r="4" fill="#c0782a" /><circle cx="44" cy="68" r="4" fill="#c0782a" />
      {eyes(46, 9)}<ellipse cx="50" cy="66" rx="12" ry="8" fill="#e8a94a" />
    </>
  ),
  fox: () => (
    <>
      <path d="M20 22 L40 40 L26 52 Z M80 22 L60 40 L74 52 Z" fill="#e8590c" />
      <path d="M20 40 Q50 20 80 40 L50 84 Z" fill="#f76707" />
      <path d="M30 56 L50 84 L70 56 Q50 64 30 56 Z" fill="#fff" />
      {eyes(50, 12)}<circle cx="50" cy="80" r="3.5" fill="#222" />
    </>
  ),
  bear: () => (
    <>
      <circle cx="28" cy="30" r="10" fill="#6b4423" /><circle cx="72" cy="30" r="10" fill="#6b4423" />
      <circle cx="50" cy="54" r="29" fill="#8b5a2b" />
      <ellipse cx="50" cy="64" rx="12" ry="9" fill="#d9b38c" />{eyes(48, 11)}<ellipse cx="50" cy="60" rx="5" ry="3.5" fill="#222" />
    </>
  ),
  frog: () => (
    <>
      <circle cx="32" cy="32" r="12" fill="#51cf66" /><circle cx="68" cy="32" r="12" fill="#51cf66" />
      <ellipse cx="50" cy="58" rx="32" ry="24" fill="#51cf66" />
      <circle cx="32" cy="32" r="7" fill="#fff" /><circle cx="68" cy="32" r="7" fill="#fff" />{eyes(32, 18, 3.5)}
      <path d="M32 62 Q50 76 68 62" fill="none" stroke="#2b8a3e" strokeWidth="3" strokeLinecap="round" />
    </>
  ),
  duck: () => (
    <>
      <circle cx="50" cy="48" r="27" fill="#fff" stroke="#adb5bd" strokeWidth="2" />
      {eyes(42, 10)}<ellipse cx="50" cy="58" rx="15" ry="7" fill="#fd7e14" /><path d="M36 58 H64" stroke="#c05f0a" strokeWidth="1.5" />
    </>
  ),
  chick: () => (
    <>
      <path d="M44 22 Q50 10 56 22" fill="#fab005" />
      <circle cx="50" cy="52" r="28" fill="#ffd43b" />
      {eyes(46, 10)}<path d="M43 56 L57 56 L50 66 Z" fill="#f08c00" />
    </>
  ),
  fish: () => (
    <>
      <path d="M68 50 L88 34 L88 66 Z" fill="#1c7ed6" />
      <ellipse cx="46" cy="50" rx="30" ry="20" fill="#339af0" />
      <circle cx="30" cy="46" r="4" fill="#fff" /><circle cx="30" cy="46" r="2" fill="#222" />
      <path d="M46 36 Q54 50 46 64" fill="none" stroke="#1c7ed6" strokeWidth="2.5" />
    </>
  ),
  owl: () => (
    <>
      <path d="M24 24 L36 34 L26 40 Z M76 24 L64 34 L74 40 Z" fill="#7048e8" />
      <ellipse cx="50" cy="54" rx="28" ry="30" fill="#845ef7" />
      <circle cx="38" cy="46" r="10" fill="#fff" /><circle cx="62" cy="46" r="10" fill="#fff" />{eyes(46, 12, 4.5)}
      <path d="M46 56 L54 56 L50 64 Z" fill="#f59f00" />
    </>
  ),
  lion: () => (
    <>
      <circle cx="50" cy="50" r="38" fill="#d9480f" />
      <circle cx="50" cy="52" r="25" fill="#ffc078" />
      {eyes(47, 9)}<path d="M46 57 L54 57 L50 61 Z" fill="#5c2d0a" />{smile(64, 6)}
    </>
  ),
  pig: () => (
    <>
      <path d="M24 34 L30 18 L42 28 Z M76 34 L70 18 L58 28 Z" fill="#f783ac" />
      <circle cx="50" cy="52" r="29" fill="#faa2c1" />
      {eyes(44, 12)}<ellipse cx="50" cy="60" rx="12" ry="8" fill="#f06595" />
      <circle cx="46" cy="60" r="2.5" fill="#a61e4d" /><circle cx="54" cy="60" r="2.5" fill="#a61e4d" />
    </>
  ),
  cow: () => (
    <>
      <path d="M26 26 Q20 14 30 16 M74 26 Q80 14 70 16" stroke="#868e96" strokeWidth="5" fill="none" strokeLinecap="round" />
      <ellipse cx="50" cy="50" rx="27" ry="28" fill="#fff" stroke="#495057" strokeWidth="2" />
      <ellipse cx="38" cy="36" rx="8" ry="6" fill="#343a40" />
      {eyes(45, 10)}<ellipse cx="50" cy="66" rx="16" ry="10" fill="#f8c4d4" />
      <circle cx="44" cy="66" r="2.5" fill="#862e4c" /><circle cx="56" cy="66" r="2.5" fill="#862e4c" />
    </>
  ),
  horse: () => (
    <>
      <path d="M36 22 L40 10 L46 22 Z M64 22 L60 10 L54 22 Z" fill="#8d5524" />
      <ellipse cx="50" cy="50" rx="20" ry="32" fill="#b9773d" />
      <path d="M44 18 Q50 30 56 18 L56 40 Q50 34 44 40 Z" fill="#5c3310" />
      {eyes(44, 10)}<ellipse cx="50" cy="72" rx="13" ry="9" fill="#d9a066" />
      <circle cx="45" cy="72" r="2" fill="#5c3310" /><circle cx="55" cy="72" r="2" fill="#5c3310" />
    </>
  ),
  sheep: () => (
    <>
      {[30, 42, 58, 70].map((x) => <circle key={x} cx={x} cy="30" r="10" fill="#fff" stroke="#ced4da" strokeWidth="1.5" />)}
      {[24, 76].map((x) => <circle key={x} cx={x} cy="52" r="10" fill="#fff" stroke="#ced4da" strokeWidth="1.5" />)}
      <ellipse cx="50" cy="56" rx="18" ry="22" fill="#495057" />
      {eyes(52, 7, 3, '#fff')}
    </>
  ),
  sun: () => (
    <>
      {Array.from({ length: 12 }, (_, i) => {
        const a = (i * Math.PI) / 6;
        return <line key={i} x1={50 + Math.cos(a) * 28} y1={50 + Math.sin(a) * 28} x2={50 + Math.cos(a) * 40} y2={50 + Math.sin(a) * 40} stroke="#f59f00" strokeWidth="5" strokeLinecap="round" />;
      })}
      <circle cx="50" cy="50" r="22" fill="#ffd43b" />
      {eyes(46, 7, 2.5)}{smile(55, 7)}
    </>
  ),
  moon: () => (
    <>
      <circle cx="46" cy="52" r="30" fill="#ffe066" />
      <circle cx="62" cy="42" r="26" fill={BG.moon} />
      <circle cx="78" cy="76" r="2.5" fill="#fff" /><circle cx="84" cy="22" r="2" fill="#fff" /><circle cx="22" cy="16" r="1.8" fill="#fff" />
    </>
  ),
  star: () => <path d="M50 12 L60 38 L88 38 L65 55 L74 82 L50 66 L26 82 L35 55 L12 38 L40 38 Z" fill="#ffd43b" stroke="#f59f00" strokeWidth="2" strokeLinejoin="round" />,
  flower: () => (
    <>
      <path d="M50 58 V90" stroke="#2f9e44" strokeWidth="4" /><ellipse cx="62" cy="78" rx="9" ry="4" fill="#40c057" transform="rotate(-30 62 78)" />
      {Array.from({ length: 6 }, (_, i) => {
        const a = (i * Math.PI) / 3;
        return <circle key={i} cx={50 + Math.cos(a) * 15} cy={40 + Math.sin(a) * 15} r="11" fill="#f06595" />;
      })}
      <circle cx="50" cy="40" r="9" fill="#ffd43b" />
    </>
  ),
  tree: () => (
    <>
      <rect x="44" y="58" width="12" height="30" fill="#8d5524" />
      <circle cx="50" cy="40" r="24" fill="#37b24d" /><circle cx="34" cy="52" r="14" fill="#2f9e44" /><circle cx="66" cy="52" r="14" fill="#2f9e44" />
    </>
  ),
  apple: () => (
    <>
      <path d="M50 30 Q70 16 80 40 Q84 72 60 84 Q50 80 40 84 Q16 72 20 40 Q30 16 50 30 Z" fill="#e03131" />
      <path d="M50 30 Q48 18 54 12" stroke="#5c3310" strokeWidth="3.5" fill="none" strokeLinecap="round" />
      <ellipse cx="62" cy="18" rx="9" ry="4.5" fill="#40c057" transform="rotate(-25 62 18)" />
      <ellipse cx="34" cy="44" rx="4" ry="8" fill="#ff8787" />
    </>
  ),
  car: () => (
    <>
      <path d="M16 62 V50 Q18 44 26 44 L34 30 H64 L74 44 Q84 44 86 50 V62 Z" fill="#1c7ed6" />
      <path d="M38 34 H50 V44 H32 Z M54 34 H62 L70 44 H54 Z" fill="#d0ebff" />
      <circle cx="32" cy="64" r="9" fill="#343a40" /><circle cx="70" cy="64" r="9" fill="#343a40" />
      <circle cx="32" cy="64" r="3.5" fill="#adb5bd" /><circle cx="70" cy="64" r="3.5" fill="#adb5bd" />
    </>
  ),
  boat: () => (
    <>
      <path d="M50 14 V58" stroke="#5c3310" strokeWidth="3" />
      <path d="M52 16 L78 52 H52 Z" fill="#fff" stroke="#adb5bd" strokeWidth="1.5" /><path d="M48 24 L28 52 H48 Z" fill="#ff8787" />
      <path d="M16 60 H84 L72 76 H28 Z" fill="#e8590c" />
      <path d="M8 84 Q20 78 32 84 T56 84 T80 84 T104 84" stroke="#1c7ed6" strokeWidth="3" fill="none" />
    </>
  ),
  kite: () => (
    <>
      <path d="M50 10 L76 40 L50 70 L24 40 Z" fill="#f03e3e" />
      <path d="M50 10 L76 40 L50 40 Z M24 40 L50 40 L50 70 Z" fill="#ffd43b" />
      <path d="M50 70 Q40 78 50 84 Q60 90 50 96" stroke="#495057" strokeWidth="2" fill="none" />
      <path d="M46 80 L54 76 M46 90 L54 86" stroke="#1c7ed6" strokeWidth="3" />
    </>
  ),
  ball: () => (
    <>
      <circle cx="50" cy="50" r="32" fill="#fff" stroke="#343a40" strokeWidth="2" />
      <path d="M18 50 Q50 30 82 50" fill="none" stroke="#e03131" strokeWidth="7" />
      <path d="M22 64 Q50 46 78 64" fill="none" stroke="#1c7ed6" strokeWidth="7" />
      <path d="M30 28 Q50 16 70 28" fill="none" stroke="#2f9e44" strokeWidth="6" />
    </>
  ),
};

/** One avatar picture. `label` (its name) makes it an image for screen readers; omit when a visible name is next to it. */
export function Avatar({ avatar, size = 64, label, className }: { avatar: AvatarKey; size?: number; label?: string; className?: string }) {
  return (
    <svg
      viewBox="0 0 100 100"
      width={size}
      height={size}
      className={className ? `avatar ${className}` : 'avatar'}
      data-avatar={avatar}
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      focusable="false"
    >
      <rect width="100" height="100" rx="22" fill={BG[avatar]} />
      {DRAW[avatar]()}
    </svg>
  );
}

export { AVATAR_KEYS };

/** Avatar keys not used yet in a class first (so new learners get distinct pictures), then the rest. */
export function nextAvatars(used: readonly string[], count: number): AvatarKey[] {
  const usedSet = new Set(used);
  const free = AVATAR_KEYS.filter((k) => !usedSet.has(k));
  const out: AvatarKey[] = [];
  for (let i = 0; i < count; i++) out.push(free.length > 0 ? free[i % free.length]! : AVATAR_KEYS[(used.length + i) % AVATAR_KEYS.length]!);
  return out;
}
