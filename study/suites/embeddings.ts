import { model, type Suite, vs } from '../../lib/experiments/suite';

export const embeddings: Suite = {
  name: 'embeddings',
  description: 'Channel identity on/off, learned vs sin-cos vs no positions, [CLS] vs mean, with and without SE.',
  datasets: ['mnist', 'relation'],
  models: [
    model('channel-full'),
    model('channel-full-noid'),
    model('channel-full-cls'),
    model('channel-full-se'),
    model('spatial-full'),
    model('spatial-full-sincos'),
    model('spatial-full-nopos'),
  ],
  comparisons: [
    vs('channel-full-noid', 'channel-full', 'what the channel-identity embedding buys'),
    vs('channel-full-cls', 'channel-full', 'a [CLS] token against the mean over tokens'),
    vs('channel-full-se', 'channel-full', 'squeeze-and-excitation on the maps before tokenizing'),
    vs('spatial-full-sincos', 'spatial-full', 'fixed sin-cos positions against learned ones'),
    vs('spatial-full-nopos', 'spatial-full', 'what position embeddings buy spatial tokens'),
  ],
  kind: 'standard',
};
