import { DIAGNOSTIC, model, Suite } from '../suite';

export const literature: Suite = {
  name: 'literature',
  description:
    "The question's channel tokens beside their published refinements: XCiT's Q/K normalization on the same tokens, local map mixing between blocks, " +
    'XCiT (cross-covariance attention with local patch interaction) and DaViT (window and channel-group attention), with spatial tokens for reference.',
  datasets: ['mnist', 'fashion-mnist', ...DIAGNOSTIC],
  models: [model('channel-full'), model('channel-full-xca'), model('channel-full-mix'), model('xcit-lite'), model('dual'), model('spatial-full')],
  kind: 'standard',
};

export const literatureLong: Suite = {
  name: 'literature-long',
  description:
    'Is a low quick-preset accuracy a matter of training length? The naive channel tokens, xcit-lite, dual and spatial tokens on MNIST for longEpochs (15 under quick), one seed, with learning curves.',
  datasets: ['mnist'],
  models: [model('channel-full'), model('xcit-lite'), model('dual'), model('spatial-full')],
  kind: 'long',
};
