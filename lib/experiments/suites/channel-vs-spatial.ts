import { model, REAL, Suite } from '../suite';

export const channelVsSpatial: Suite = {
  name: 'channel-vs-spatial',
  description: 'The main question: each feature map as a token (T = C) against each position as a token (T = H·W), both in one sequence (hybrid), and the CNN baseline.',
  datasets: REAL,
  models: [model('channel-full'), model('spatial-full'), model('hybrid'), model('cnn-stem')],
  kind: 'standard',
};
