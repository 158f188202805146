import { model, Suite } from '../suite';

/**
 * The answer rests on two controls (lib/analysis/claims/controls.ts): spatial-full must
 * solve the relation task (it is given every position), and channel-pooled must solve
 * the appearance task (pooled statistics decide it by construction). The core grid holds
 * the first; no answer suite holds the second, so this suite plans both, each model on
 * both tasks. Its relation runs are the core grid's (the same configs, so the same stored
 * runs); its appearance runs are the pooled-vs-full suite's, which the standard sweep
 * does not otherwise run.
 */
export const controls: Suite = {
  name: 'controls',
  description:
    "The answer's two controls under one preset: spatial-full on the relation task (positions are given) and channel-pooled on the appearance task (pooled statistics solve it), each model on both tasks.",
  datasets: ['relation', 'appearance'],
  models: [model('spatial-full'), model('channel-pooled')],
  kind: 'standard',
  // Controls are checked, not compared: each must pass its own threshold before any comparison is read.
  comparisons: [],
};
