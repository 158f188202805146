import { model, type Suite, vs } from '../../lib/experiments/suite';
import { REAL, WHERE_AND_WHAT } from '../datasets';

export const pooledVsFull: Suite = {
  name: 'pooled-vs-full',
  description: 'Does pooling the maps before tokenizing destroy the information the tokens need, and where?',
  datasets: [...REAL, ...WHERE_AND_WHAT],
  models: [
    model('channel-full'),
    model('channel-pooled'),
    model('channel-pooled-k4'),
    model('spatial-full'),
    model('spatial-pooled-k4'),
    model('cnn-stem'),
    model('vit-patch7'),
  ],
  comparisons: [
    vs('channel-pooled', 'channel-full', 'what pooling each map to one value loses'),
    vs('channel-pooled-k4', 'channel-full', 'what pooling each map to 4×4 loses'),
    vs('spatial-pooled-k4', 'spatial-full', 'what pooling the maps to a 4×4 grid of positions loses'),
  ],
  kind: 'standard',
};
