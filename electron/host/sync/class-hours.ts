/**
 * The class-hours timetable (set by the teacher in Teacher → Cloud sync) and the bulk-download cap
 * it implies. Kept by the host in `<data>/sync/class-hours.json` because the host's pack downloader
 * (P2) is what must slow down: `downloadCapAt(classHours, new Date())` gives the bytes/second allowed
 * right now, or null for no limit.
 */
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { ClassHours, DEFAULT_CLASS_HOURS } from '../../../common/bridge/methods/sync';

export function classHoursPath(dataDir: string): string {
  return path.join(dataDir, 'sync', 'class-hours.json');
}

/** Missing or unreadable → the default timetable (a broken file must not stop downloads or the app). */
export async function readClassHours(dataDir: string): Promise<ClassHours> {
  try {
    return ClassHours.parse(JSON.parse(await fs.readFile(classHoursPath(dataDir), 'utf8')));
  } catch {
    return DEFAULT_CLASS_HOURS;
  }
}

export async function writeClassHours(dataDir: string, classHours: ClassHours): Promise<void> {
  const target = classHoursPath(dataDir);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify(ClassHours.parse(classHours), null, 2));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, target);
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Is class on at `at` (the PC's local time)? */
export function inClassHours(classHours: ClassHours, at: Date): boolean {
  const day = at.getDay() === 0 ? 7 : at.getDay();
  const now = at.getHours() * 60 + at.getMinutes();
  return classHours.periods.some((p) => p.days.includes(day) && now >= minutes(p.start) && now < minutes(p.end));
}

/** The P2 download cap in force at `at`: bytes/second during class, null (no cap) otherwise. */
export function downloadCapAt(classHours: ClassHours, at: Date): number | null {
  return inClassHours(classHours, at) ? classHours.capBytesPerSecond : null;
}
