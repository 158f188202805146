/**
 * Seeding tfjs. Its initializers and dropout draw their seeds from Math.random
 * when none is given, and tfjs has no global seed. So for the length of a run,
 * Math.random is replaced by a seeded generator: weight init, dropout masks and
 * anything else random become a function of the run's seed. The original is
 * restored afterwards, also on error.
 */
import { Rng } from '../util/rng';

/** Runs fn with Math.random seeded; fn gets the generator (a checkpoint saves and restores its state). */
export async function withSeededRandom<T>(seed: number, fn: (rng: Rng) => Promise<T>): Promise<T> {
  const original = Math.random;
  const rng = new Rng(seed * 2654435761 + 1);
  Math.random = () => rng.next();
  try {
    return await fn(rng);
  } finally {
    Math.random = original;
  }
}
