/**
 * Learning-rate schedules, and when a run ends.
 *
 * - Cosine (cooldownFraction null): linear warmup to the peak, then cosine decay to zero
 *   at the epoch cap (Loshchilov & Hutter 2017, "SGDR"; the ViT/DeiT recipe). Early
 *   stopping, if any, ends the run wherever the plateau rule fires.
 * - Plateau, then cool down (a fraction): warmup, then the peak held until validation
 *   accuracy plateaus, then a linear decay to zero over that fraction of the steps trained
 *   so far, and the run ends. This is the warmup-stable-decay shape (Hägele et al. 2024,
 *   "Scaling laws and compute-optimal training beyond fixed training durations", find a
 *   20% cooldown matches a cosine schedule tuned to the run's length), with the stable
 *   phase ended by the run's own plateau instead of a length fixed in advance. Why not
 *   cosine with early stopping: with cosine the rate a run stops at depends on the cap and
 *   on how soon the run plateaus, so a fast learner stops at a high rate, before any
 *   annealing, and a slow one gets the annealing; every arm gets its cooldown here.
 *   If the cap comes first, the cooldown starts in time to end at the cap (the run is then
 *   not converged: its plateau never came).
 * Trainer and PyTorch twin both follow this class, so the schedule has one source.
 */
import type { TrainConfig } from '../experiments/config';
import { type EpochObservation, PlateauTracker } from './plateau';

export interface ScheduleOptions {
  peak: number;
  warmupSteps: number;
  stepsPerEpoch: number;
  /** The epoch cap. */
  epochs: number;
  /** null: cosine to the cap; else the cooldown's length as a fraction of the steps before it. */
  cooldownFraction: number | null;
}

/** The cosine schedule's rate at a step. */
export function learningRate(step: number, totalSteps: number, warmupSteps: number, peak: number): number {
  if (warmupSteps > 0 && step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  return 0.5 * peak * (1 + Math.cos(Math.PI * progress));
}

export class RunSchedule {
  /** The step the cooldown began at, its length (whole epochs), and what began it; null before. */
  cooldown: { from: number; steps: number; after: 'plateau' | 'cap' } | null = null;

  constructor(private readonly o: ScheduleOptions) {}

  lr(step: number): number {
    const { peak, warmupSteps } = this.o;
    if (this.o.cooldownFraction === null) return learningRate(step, this.o.stepsPerEpoch * this.o.epochs, warmupSteps, peak);
    if (warmupSteps > 0 && step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
    if (!this.cooldown || step < this.cooldown.from) return peak;
    return peak * Math.max(0, 1 - (step - this.cooldown.from) / this.cooldown.steps);
  }

  /**
   * At the end of an epoch (`step` steps trained): whether the run ends now. `plateau`
   * is the plateau rule's answer for this epoch.
   */
  endOfEpoch(epoch: number, step: number, plateau: boolean): boolean {
    const f = this.o.cooldownFraction;
    if (f === null) return plateau;
    if (this.cooldown) return step >= this.cooldown.from + this.cooldown.steps;
    const per = this.o.stepsPerEpoch;
    const want = Math.max(1, Math.ceil((f * step) / per)) * per; // whole epochs
    const left = (this.o.epochs - epoch) * per;
    if (!plateau && left > want) return false;
    if (left === 0) return true;
    this.cooldown = { from: step, steps: Math.min(want, left), after: plateau ? 'plateau' : 'cap' };
    return false;
  }
}

export interface RunControl {
  schedule: RunSchedule;
  plateau: PlateauTracker;
  /** One finished epoch through the plateau rule and the schedule: whether it is a new best (select it), and whether the run ends. */
  judge(e: EpochObservation): { improved: boolean; end: boolean };
  /** The epoch selected among the cooldown's (train.selectAfterCooldown), once one has run; else undefined (the plateau rule's selection stands). */
  cooldownSelection(): { selectedEpoch: number; selectedStep: number } | undefined;
}

/** A run's schedule and plateau rule from its train config: the trainer and the PyTorch twin build them here, alike. */
export function runControl(t: TrainConfig, stepsPerEpoch: number, classes: number, valSize: number): RunControl {
  const schedule = new RunSchedule({
    peak: t.lr,
    warmupSteps: Math.round(t.warmupEpochs * stepsPerEpoch),
    stepsPerEpoch,
    epochs: t.epochs,
    cooldownFraction: t.cooldownFraction,
  });
  const plateau = new PlateauTracker({
    patienceSteps: t.patienceSteps,
    minSteps: t.minSteps,
    minDelta: t.minDelta,
    classes,
    valSize,
    cooldown: t.cooldownFraction !== null,
  });
  // With selectAfterCooldown, the cooldown's epochs select among themselves (the best validation accuracy, no
  // minDelta: every one of them is a finished model), so a pre-cooldown epoch is never the one tested.
  let cool: EpochObservation | undefined;
  return {
    schedule,
    plateau,
    judge: (e) => {
      const cooling = !!t.selectAfterCooldown && !!schedule.cooldown && e.step > schedule.cooldown.from;
      const p = plateau.update(e);
      const end = schedule.endOfEpoch(e.epoch, e.step, p.stop);
      if (!cooling) return { improved: p.improved, end };
      const improved = !cool || e.valAcc > cool.valAcc;
      if (improved) cool = e;
      return { improved, end };
    },
    cooldownSelection: () => (cool ? { selectedEpoch: cool.epoch, selectedStep: cool.step } : undefined),
  };
}
