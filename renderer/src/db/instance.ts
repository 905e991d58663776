import { TeachPointDB } from './db';

let instance: TeachPointDB | null = null;

/** The one database of this window (opened lazily on first use). */
export function getDB(): TeachPointDB {
  instance ??= new TeachPointDB();
  return instance;
}
