/**
 * Tests whose prerequisite is missing (a Node 16 binary, the sample packs) skip on a developer's
 * machine but FAIL on CI (`CI` set to anything but '', 'false' or '0'): nothing is skipped
 * silently where the results count.
 */
export function onCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env['CI'];
  return v !== undefined && v !== '' && v !== 'false' && v !== '0';
}

/**
 * `null` when `present`; otherwise the reason to skip — or, on CI, an Error thrown naming what is
 * missing and how to provide it.
 */
export function prerequisite(present: boolean, what: string, how: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (present) return null;
  const reason = `${what} missing — ${how}`;
  if (onCI(env)) throw new Error(`CI: ${reason} (on CI a missing prerequisite fails instead of skipping)`);
  return reason;
}
