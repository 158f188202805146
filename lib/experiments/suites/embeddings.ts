import { model, Suite } from '../suite';

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
  kind: 'standard',
};
