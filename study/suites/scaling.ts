import { twoConvStem as stem } from '../../lib/models/stem';
import { model, type Suite } from '../../lib/experiments/suite';

export const scaling: Suite = {
  name: 'scaling',
  description: 'Accuracy and cost as C, H·W and d_model grow, for channel and spatial tokens (one seed, reduced data).',
  datasets: ['mnist'],
  models: [
    ...[16, 32, 128].flatMap((c) => [
      model(`channel-full C=${c}`, 'channel-full', { stem: stem(c, 2) }),
      model(`spatial-full C=${c}`, 'spatial-full', { stem: stem(c, 2) }),
    ]),
    // H·W: stride 4 gives 7×7 maps, stride 2 (the default) 14×14. Spatial tokens at stride 1
    // (784 tokens, attention 784² per head) are left to the full preset's budget.
    model('channel-full HW=7x7', 'channel-full', { stem: stem(64, 4) }),
    model('spatial-full HW=7x7', 'spatial-full', { stem: stem(64, 4) }),
    model('channel-full HW=28x28', 'channel-full', { stem: stem(64, 1) }),
    ...[32, 128].flatMap((d) => [
      model(`channel-full d=${d}`, 'channel-full', { dModel: d }),
      model(`spatial-full d=${d}`, 'spatial-full', { dModel: d }),
    ]),
    // The reference point of the sweep (C = 64, 14×14, d = 64) on the sweep's reduced data.
    model('channel-full base', 'channel-full'),
    model('spatial-full base', 'spatial-full'),
  ],
  // About cost: one seed per arm, so no verdicts (06_cost_scaling reads the FLOPs and times).
  comparisons: [],
  kind: 'scaling',
};
