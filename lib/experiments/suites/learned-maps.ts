import { model, Suite, vs } from '../suite';

const LEARNED = ['filter-8', 'filter-16', 'filter-64', 'tokenlearner-8', 'tokenlearner-16', 'tokenlearner-64'];

/**
 * The other reading of "each map becomes a token": learned maps that select positions,
 * each pooling the features under it into one token (VT's filter tokenizer, Wu et al. 2020;
 * TokenLearner, Ryoo et al. 2021), at L, S ∈ {8, 16} and at the question's n = C = 64,
 * beside the question's flattened maps.
 */
export const learnedMaps: Suite = {
  name: 'learned-maps',
  description:
    "The literature's reading of maps as tokens: a learned map selects positions and the features it pools become the token (VT's filter tokenizer, TokenLearner), with 8, 16 and 64 maps, beside channel-full's flattened maps.",
  datasets: ['mnist', 'fashion-mnist', 'relation', 'cooccurrence'],
  models: [model('channel-full'), ...LEARNED.map((n) => model(n))],
  kind: 'standard',
  comparisons: LEARNED.map((n) => vs(n, 'channel-full', `${n.startsWith('filter') ? "VT's softmax maps" : "TokenLearner's sigmoid maps"} with ${n.split('-')[1]} tokens against the question's 64 flattened maps`)),
};
