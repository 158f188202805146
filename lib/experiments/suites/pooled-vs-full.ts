import { DIAGNOSTIC, model, REAL, Suite } from '../suite';

export const pooledVsFull: Suite = {
  name: 'pooled-vs-full',
  description: 'Does pooling the maps before tokenizing destroy the information the tokens need, and where?',
  datasets: [...REAL, ...DIAGNOSTIC],
  models: [model('channel-full'), model('channel-pooled'), model('channel-pooled-k4'), model('spatial-full'), model('spatial-pooled-k4'), model('cnn-stem'), model('vit-patch7')],
  kind: 'standard',
};
