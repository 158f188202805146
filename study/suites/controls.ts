import { model, type Suite } from '../../lib/experiments/suite';

/**
 * The answer rests on three controls (lib/analysis/claims/controls.ts): spatial-full must
 * solve the relation task (it is given every position), channel-pooled the appearance
 * task (pooled statistics decide it by construction), and cnn-deep the co-occurrence task
 * (its later stages see a stroke pair whole). The core grid holds the first and the style
 * suite the third; no answer suite holds the second. This suite plans all three, each
 * model on each task, so that every control is in one plan: a suite whose own plan lacks a
 * control's model (learned-maps has no spatial-full) reads its task's control here. Its
 * runs are the core grid's, the style suite's and the pooled-vs-full suite's (the same
 * configs, so the same stored runs), except cnn-deep on appearance.
 */
export const controls: Suite = {
  name: 'controls',
  description:
    "The answer's three controls under one preset: spatial-full on the relation task (positions are given), channel-pooled on the appearance task (pooled statistics solve it) and cnn-deep on the co-occurrence task (a CNN learns its rule), each model on each task.",
  datasets: ['relation', 'appearance', 'cooccurrence'],
  models: [model('spatial-full'), model('channel-pooled'), model('cnn-deep')],
  kind: 'standard',
  // Controls are checked, not compared: each must pass its own threshold before any comparison is read.
  comparisons: [],
};
