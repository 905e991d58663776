/**
 * Progress rate/ETA from an exponentially smoothed byte rate (α per second), so one slow fsync
 * or a burst of tiny files does not make the ETA jump around.
 */
export class EtaEstimator {
  private lastAt: number | null = null;
  private lastBytes = 0;
  private rate: number | null = null;
  private readonly startedAt: number;

  constructor(private readonly now: () => number = () => Date.now()) {
    this.startedAt = now();
  }

  /** Smoothed bytes per second (0 until two updates measured it). */
  get bytesPerSecond(): number {
    return this.rate && this.rate > 0 ? this.rate : 0;
  }

  update(bytesDone: number, bytesTotal: number): number | null {
    const t = this.now();
    if (this.lastAt !== null && t > this.lastAt) {
      const inst = ((bytesDone - this.lastBytes) * 1000) / (t - this.lastAt);
      const alpha = Math.min(1, (t - this.lastAt) / 3000);
      this.rate = this.rate === null ? inst : this.rate + alpha * (inst - this.rate);
    }
    this.lastAt = t;
    this.lastBytes = bytesDone;
    if (t - this.startedAt < 1000 || !this.rate || this.rate <= 0) return null;
    return Math.max(0, (bytesTotal - bytesDone) / this.rate);
  }
}
