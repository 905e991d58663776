/**
 * Bandwidth cap for bulk (P2) downloads: a token bucket in bytes/s that the sync engine sets during
 * class hours so the classroom link stays usable (DESIGN §5.6). `take(n)` resolves when n bytes may
 * pass; a rate of 0 or Infinity means no cap. The bucket holds at most one second of tokens, so a
 * burst after an idle minute is still only one second's worth.
 */
export class ByteRateLimiter {
  private tokens = 0;
  private last: number;
  private rate = Infinity;

  constructor(private readonly now: () => number = () => Date.now()) {
    this.last = now();
  }

  get bytesPerSecond(): number {
    return this.rate;
  }

  setRate(bytesPerSecond: number | null): void {
    this.refill();
    this.rate = !bytesPerSecond || bytesPerSecond <= 0 ? Infinity : bytesPerSecond;
    this.tokens = Math.min(this.tokens, this.rate);
  }

  /** Wait until `bytes` may pass (already-received bytes: the wait slows the next read). */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.rate === Infinity) return;
    this.refill();
    this.tokens -= bytes;
    while (this.tokens < 0 && !signal?.aborted && this.rate !== Infinity) {
      const waitMs = Math.min(1000, Math.ceil((-this.tokens / this.rate) * 1000));
      await new Promise((r) => setTimeout(r, waitMs));
      this.refill();
    }
  }

  private refill(): void {
    const t = this.now();
    if (this.rate !== Infinity) this.tokens = Math.min(this.rate, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
  }
}
