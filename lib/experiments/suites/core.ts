import { model, Suite } from '../suite';

/** The converged answer's grid (the `standard` preset runs it by default). */
export const core: Suite = {
  name: 'core',
  description:
    'The question and its controls, each trained to its plateau: channel tokens full and pooled, spatial tokens full and pooled, the pure ViT, the stem alone and a CNN of the same size, on two real datasets and the relation task.',
  datasets: ['mnist', 'fashion-mnist', 'relation'],
  models: [
    model('channel-full'),
    model('channel-pooled'),
    model('channel-pooled-k4'),
    model('spatial-full'),
    model('spatial-pooled-k4'),
    model('vit-patch7'),
    model('cnn-stem'),
    model('cnn-deep'),
  ],
  kind: 'standard',
};
