/**
 * A small seeded PRNG (mulberry32) for everything that must be reproducible from a
 * seed: data generation, shuffles, splits. Math.random is never used for those.
 */
export class Rng {
  private state_: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng seed must be a finite number; got ${seed}`);
    this.state_ = seed >>> 0 || 0x9e3779b9;
  }

  /** The generator's whole state: a checkpoint saves it, a resumed run sets it back. */
  get state(): number {
    return this.state_;
  }

  set state(s: number) {
    this.state_ = s >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state_ = (this.state_ + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}
