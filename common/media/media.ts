/**
 * How a transport finds the bytes behind `/media/<sha256>`: only blobs the content store holds,
 * looked up by hash. No path from a request ever reaches the file system.
 */
export interface MediaBlob {
  /** Absolute path of the verified blob in the content store. */
  path: string;
  size: number;
  /** Content type from the pack manifest (or the teacher's own file record). */
  mime: string;
  /** sha256 hex — also the strong ETag. */
  sha256: string;
}

export interface MediaResolver {
  resolve(sha256: string): Promise<MediaBlob | null>;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
