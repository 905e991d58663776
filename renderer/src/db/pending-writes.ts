/**
 * Writes in flight, so the quit handshake can wait for them before it closes the database.
 * IndexedDB lets transactions that already started finish after close(), but Dexie rejects work
 * still queued (e.g. behind the first open) with DatabaseClosedError — so we wait first.
 */
const pending = new Set<Promise<unknown>>();

export function trackWrite<T>(write: Promise<T>): Promise<T> {
  pending.add(write);
  const done = () => {
    pending.delete(write);
  };
  write.then(done, done);
  return write;
}

/** Resolves when every write tracked so far has settled (success or failure). */
export async function settlePendingWrites(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

export function pendingWriteCount(): number {
  return pending.size;
}
