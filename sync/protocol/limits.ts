/**
 * Limits a server enforces and a client respects. A client that stays inside them never sees a
 * limit error; a server may be configured lower (it says so in `hello`), never higher than a
 * client can handle.
 */
export const LIMITS = {
  /** Push body on the wire (after gzip). DESIGN §5.3: clients aim for 16–64 KiB batches. */
  pushMaxWireBytes: 256 * 1024,
  /** Push body after decompression (zip-bomb guard). */
  pushMaxJsonBytes: 2 * 1024 * 1024,
  /** Events plus records in one push. */
  pushMaxItems: 5000,
  /** Pull page size the server caps `limit` at. */
  pullMaxLimit: 1000,
  pullDefaultLimit: 500,
  /** Requests per device per window (push+pull+bundles); 429 with Retry-After beyond. */
  deviceRequestsPerWindow: 600,
  rateWindowSeconds: 60,
  /** Enrollment attempts and sign-in attempts per client address per window (guessing codes, spraying passwords). */
  enrollAttemptsPerWindow: 20,
  loginAttemptsPerWindow: 60,
  addressWindowSeconds: 600,
  /** Staff sign-in: this many failures in `lockoutWindowSeconds` lock the account for `lockoutSeconds`. */
  loginMaxFailures: 5,
  lockoutWindowSeconds: 15 * 60,
  lockoutSeconds: 15 * 60,
  /** Staff sessions expire after this long without use… */
  sessionIdleSeconds: 8 * 3600,
  /** …and after this long in any case. */
  sessionMaxSeconds: 7 * 24 * 3600,
  /** Enrollment codes expire after this long unless the county says otherwise. */
  enrollmentCodeSeconds: 7 * 24 * 3600,
} as const;

export type Limits = { [K in keyof typeof LIMITS]: number };
