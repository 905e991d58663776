import { uuidv7 } from '../../common/ids/uuidv7';

export const newId = (): string => uuidv7();

/** Timestamps from either driver (Date objects, or strings) as ISO 8601 UTC; null stays null. */
export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}
