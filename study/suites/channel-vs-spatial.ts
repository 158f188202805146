import { model, type Suite, vs } from '../../lib/experiments/suite';
import { REAL } from '../datasets';

export const channelVsSpatial: Suite = {
  name: 'channel-vs-spatial',
  description:
    'The main question: each feature map as a token (T = C) against each position as a token (T = H·W), both in one sequence (hybrid), and the CNN baseline.',
  datasets: REAL,
  models: [model('channel-full'), model('spatial-full'), model('hybrid'), model('cnn-stem')],
  comparisons: [
    vs('channel-full', 'spatial-full', 'maps as tokens against positions as tokens'),
    vs('hybrid', 'channel-full', 'what spatial tokens add to channel tokens'),
    vs('hybrid', 'spatial-full', 'what channel tokens add to spatial tokens'),
    vs('channel-full', 'cnn-stem', 'what the Transformer adds to the stem'),
  ],
  kind: 'standard',
};
