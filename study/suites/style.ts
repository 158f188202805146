import { type Suite, vs } from '../../lib/experiments/suite';
import { CORE_ARMS } from './core';

/**
 * The question's own claim about style: "if the task depends on interactions between
 * feature channels, channel tokens may be the right choice". The co-occurrence task
 * (lib/data/diagnostic.ts) is decided by which stroke kinds occur together: a Gram-matrix
 * entry of the stem's maps, not their layout and not their first-order statistics.
 */
export const style: Suite = {
  name: 'style',
  description:
    "The style claim: on the co-occurrence task, decided by which features occur together rather than where or how much, do channel tokens (whose attention scores are bilinear forms of whole maps, like a Gram-matrix entry) beat positions as tokens and pooled statistics? The core grid's arms.",
  datasets: ['cooccurrence'],
  models: CORE_ARMS,
  kind: 'standard',
  comparisons: [
    vs('channel-full', 'spatial-full', 'maps as tokens against positions as tokens, where co-occurrence decides'),
    vs('channel-full', 'channel-pooled', 'whole maps against their means: what the second-order statistics add'),
    vs('channel-pooled-k4', 'channel-pooled', 'a 4×4 grid per map against its mean'),
    vs('spatial-pooled-k4', 'spatial-full', 'what pooling the maps to a 4×4 grid of positions loses'),
    vs('channel-full', 'cnn-deep', 'tokens and attention against a CNN of the same size'),
  ],
};
