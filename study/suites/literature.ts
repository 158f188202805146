import { model, type Suite, vs } from '../../lib/experiments/suite';
import { WHERE_AND_WHAT } from '../datasets';

export const literature: Suite = {
  name: 'literature',
  description:
    "The question's channel tokens beside their published refinements: XCiT's Q/K normalization on the same tokens, local map mixing between blocks, " +
    'XCiT (cross-covariance attention with local patch interaction) and DaViT (window and channel-group attention), with spatial tokens for reference.',
  datasets: ['mnist', 'fashion-mnist', ...WHERE_AND_WHAT],
  models: [
    model('channel-full'),
    model('channel-full-xca'),
    model('channel-full-mix'),
    model('xcit-lite'),
    model('dual'),
    model('spatial-full'),
  ],
  kind: 'standard',
  comparisons: [
    vs('channel-full-xca', 'channel-full', "XCiT's normalization and temperature, same tokens and blocks"),
    vs('channel-full-mix', 'channel-full', 'spatial mixing after tokenization, at the price of more parameters'),
    vs('xcit-lite', 'spatial-full', 'XCiT blocks in place of ViT blocks, same spatial tokens and positions'),
    vs('dual', 'spatial-full', "DaViT's dual blocks and conv position encodings in place of ViT blocks and learned positions"),
    vs('xcit-lite', 'channel-full', "XCiT's channel attention in place of the question's channel tokens"),
    vs('dual', 'channel-full', "DaViT's dual blocks in place of the question's channel tokens"),
  ],
};

export const literatureLong: Suite = {
  name: 'literature-long',
  description:
    'Is a low quick-preset accuracy a matter of training length? The naive channel tokens, xcit-lite, dual and spatial tokens on MNIST for longEpochs (15 under quick), one seed, with learning curves.',
  datasets: ['mnist'],
  models: [model('channel-full'), model('xcit-lite'), model('dual'), model('spatial-full')],
  kind: 'long',
  // One seed per arm: a training-length check, no verdicts.
  comparisons: [],
};
