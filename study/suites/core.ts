import { model, type Suite, vs } from '../../lib/experiments/suite';

/** The question's arms and its controls: channel and spatial tokens, full and pooled, the pure ViT, the stem alone and a CNN of the same size. */
export const CORE_ARMS = [
  model('channel-full'),
  model('channel-pooled'),
  model('channel-pooled-k4'),
  model('spatial-full'),
  model('spatial-pooled-k4'),
  model('vit-patch7'),
  model('cnn-stem'),
  model('cnn-deep'),
];

/** The converged answer's grid (the `standard` preset runs it by default). */
export const core: Suite = {
  name: 'core',
  description:
    'The question and its controls, each trained to its plateau: channel tokens full and pooled, spatial tokens full and pooled, the pure ViT, the stem alone and a CNN of the same size, on two real datasets and the relation task.',
  datasets: ['mnist', 'fashion-mnist', 'relation'],
  models: CORE_ARMS,
  comparisons: [
    vs('channel-full', 'spatial-full', 'the question: maps as tokens against positions as tokens, same stem and Transformer'),
    vs('channel-pooled', 'channel-full', 'what pooling each map to one value loses'),
    vs('channel-pooled-k4', 'channel-full', 'what pooling each map to 4×4 loses'),
    vs('spatial-pooled-k4', 'spatial-full', 'what pooling the maps to a 4×4 grid of positions loses'),
    vs('channel-full', 'vit-patch7', 'the conv stem and channel tokens against the pure ViT'),
    vs('channel-full', 'cnn-deep', 'tokens and attention against a CNN of the same size'),
    vs('cnn-deep', 'cnn-stem', 'what the CNN baseline gains from its extra stage (the floor is a floor)'),
  ],
  kind: 'standard',
};
