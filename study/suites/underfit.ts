import { model, type Suite } from '../../lib/experiments/suite';

/** The peak learning rates tried on the underfit arm besides the standard 2e-3 (core's run): a quarter and four times. */
export const UNDERFIT_LRS = [5e-4, 8e-3];

/**
 * Evidence for an `underfit` outcome. channel-pooled (one number per map) did not fit the relation task's
 * training set under the recipe that fits every other arm (best training accuracy 26–39% against 25% chance),
 * which the claims table reads as "lower". A reviewer asks whether that is the representation or the step size:
 * the same arm at a quarter and four times the standard peak rate, one seed (the standard rate is core's seed 0),
 * answers the second half. The probe on its pooled features (lib/analysis/probe.ts) answers the first.
 */
export const underfitLr: Suite = {
  name: 'underfit-lr',
  description:
    "Whether channel-pooled's failure to fit the relation task is its representation or its step size: the arm at a quarter and four times the standard peak learning rate, one seed, beside core's run at the standard rate.",
  datasets: ['relation'],
  verdictSeeds: [0],
  models: UNDERFIT_LRS.map((lr) => model(`channel-pooled lr ${lr}`, 'channel-pooled', undefined, { lr })),
  kind: 'standard',
  comparisons: [],
};
