import type { SupersetPair } from '../lib/experiments/study';

/**
 * The sanity pairs: a model whose input holds everything another model's input holds cannot lose to it at
 * convergence on what it is trained for (lib/analysis/claims/sanity.ts says how each pair is read).
 */
export const SUPERSETS: SupersetPair[] = [
  { superset: 'hybrid', subset: 'channel-full', why: "hybrid's sequence holds every one of channel-full's tokens" },
  { superset: 'hybrid', subset: 'spatial-full', why: "hybrid's sequence holds every one of spatial-full's tokens" },
  // Pooling is linear: the whole-map token projection can learn the pooled one.
  {
    superset: 'channel-full',
    subset: 'channel-pooled',
    why: "a map's mean is a linear function of the whole map, which channel-full's token projection sees",
  },
  {
    superset: 'channel-full',
    subset: 'channel-pooled-k4',
    why: "a map's 4×4 average pooling is a linear function of the whole map, which channel-full's token projection sees",
  },
  {
    superset: 'spatial-full',
    subset: 'spatial-pooled-k4',
    why: 'every position that spatial-pooled-k4 averages over is a token of spatial-full',
  },
  // A position table of zeros leaves the features as they are: the position-free tokenizer is a special case.
  { superset: 'filter-16-pos', subset: 'filter-16', why: 'with its position table at zero, filter-16-pos is filter-16' },
  {
    superset: 'tokenlearner-16-pos',
    subset: 'tokenlearner-16',
    why: 'with its position table at zero, tokenlearner-16-pos is tokenlearner-16',
  },
];
