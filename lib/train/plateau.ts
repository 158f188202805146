/**
 * When a run has converged, and when to stop it: a plateau of validation accuracy,
 * counted in optimizer steps, that only counts once learning has begun.
 *
 * Spatial tokens on the relation task can sit at chance for several epochs and then
 * climb (seen in an independent implementation). A patience rule that counted from
 * the first step would stop such a run at chance and call it a result. So:
 * - learning has begun once validation accuracy is clearly above chance (three
 *   binomial standard errors of the validation set above 1/K);
 * - patience counts only from then, and only after minSteps;
 * - a run converged when it stopped on (or ended in) such a plateau, learning had
 *   begun, and its training loss fell well below that of a uniform guess (ln K).
 * Anything else is recorded as not converged, with the reason.
 *
 * Under the plateau-then-cooldown schedule (schedule.ts) the plateau ends the stable
 * phase rather than the run: the run converged when the plateau came (before the cap
 * forced the cooldown), whatever the cooldown's own gains.
 */
export interface PlateauOptions {
  /** Steps without a validation gain > minDelta that make a plateau; null: no early stopping. */
  patienceSteps: number | null;
  minSteps: number;
  minDelta: number;
  classes: number;
  /** Images in the validation split: how far above chance "clearly" is. */
  valSize: number;
  /** The run cools down after its plateau (schedule.ts) instead of stopping there. */
  cooldown?: boolean;
}

export interface EpochObservation {
  epoch: number;
  /** Optimizer steps so far. */
  step: number;
  valAcc: number;
  trainLoss: number;
}

export interface Convergence {
  converged: boolean;
  /** Which rule decided: a plateau (converged), or why not: no epoch, fixed epochs, never above chance, a training loss that stayed high, still improving at the cap. */
  why: 'plateau' | 'no epoch' | 'fixed epochs' | 'at chance' | 'loss high' | 'still improving';
  /** The same, as a sentence with its numbers (for logs and records). */
  rule: string;
  /**
   * Where the model is selected: the last epoch that beat the best validation accuracy so far
   * by more than minDelta (Keras's EarlyStopping restores the same one). A later gain of
   * minDelta or less resets neither the patience nor the selection (docs/recipe.md).
   */
  selectedEpoch: number;
  selectedStep: number;
}

export class PlateauTracker {
  private best: EpochObservation | undefined;
  private lastGainStep = 0;
  private begun = false;
  private last: EpochObservation | undefined;
  private stopped = false;
  /** Where the plateau rule first fired (the cooldown schedule keeps training after it). */
  private firstPlateau: EpochObservation | undefined;
  /** Validation accuracy that counts as clearly above chance. */
  readonly aboveChance: number;

  constructor(private readonly o: PlateauOptions) {
    const c = 1 / o.classes;
    this.aboveChance = c + 3 * Math.sqrt((c * (1 - c)) / Math.max(1, o.valSize));
  }

  /** Feeds one epoch's numbers; returns whether this is a new best (select it) and whether to stop now. */
  update(e: EpochObservation): { improved: boolean; stop: boolean } {
    this.last = e;
    const improved = !this.best || e.valAcc > this.best.valAcc + this.o.minDelta;
    if (improved) {
      this.best = e;
      this.lastGainStep = e.step;
    }
    if (!this.begun && e.valAcc >= this.aboveChance) {
      this.begun = true;
      this.lastGainStep = Math.max(this.lastGainStep, this.best!.step); // patience starts counting now at the earliest
    }
    this.stopped = this.plateau();
    if (this.stopped && !this.firstPlateau) this.firstPlateau = e;
    return { improved, stop: this.stopped };
  }

  private plateau(): boolean {
    const p = this.o.patienceSteps;
    return p !== null && this.begun && !!this.last && this.last.step >= this.o.minSteps && this.last.step - this.lastGainStep >= p;
  }

  /** The verdict once the run has ended (stopped early or at the cap). */
  result(): Convergence {
    const best = this.best;
    if (!best || !this.last) return { converged: false, why: 'no epoch', rule: 'no epoch finished', selectedEpoch: 0, selectedStep: 0 };
    const sel = { selectedEpoch: best.epoch, selectedStep: best.step };
    const p = this.o.patienceSteps;
    if (p === null)
      return { converged: false, why: 'fixed epochs', rule: 'fixed epochs, no early stopping: convergence not judged', ...sel };
    if (!this.begun)
      return {
        converged: false,
        why: 'at chance',
        rule: `never clearly above chance (best validation accuracy ${(100 * best.valAcc).toFixed(1)}% < ${(100 * this.aboveChance).toFixed(1)}%)`,
        ...sel,
      };
    if (!(this.last.trainLoss < 0.9 * Math.log(this.o.classes)))
      return {
        converged: false,
        why: 'loss high',
        rule: `training loss ${this.last.trainLoss.toFixed(3)} did not fall below 0.9·ln ${this.o.classes}`,
        ...sel,
      };
    if (this.o.cooldown) {
      if (!this.firstPlateau)
        return {
          converged: false,
          why: 'still improving',
          rule: `epoch cap reached while still improving (no plateau of ${p} steps before the cap forced the cooldown)`,
          ...sel,
        };
      return {
        converged: true,
        why: 'plateau',
        rule: `plateau at step ${this.firstPlateau.step}: no validation gain > ${this.o.minDelta} for ${p} steps (after ${this.o.minSteps})`,
        ...sel,
      };
    }
    if (!this.plateau())
      return {
        converged: false,
        why: 'still improving',
        rule: `epoch cap reached while still improving (last gain at step ${this.lastGainStep} of ${this.last.step}; patience ${p})`,
        ...sel,
      };
    return {
      converged: true,
      why: 'plateau',
      rule: `plateau: no validation gain > ${this.o.minDelta} for ${p} steps (after ${this.o.minSteps})`,
      ...sel,
    };
  }
}
