import { model, type Suite, vs } from '../../lib/experiments/suite';

/** The learned-map arms with 16 maps: as the issue states them (no position embedding), and as the papers build them. */
const ARMS = ['filter-16', 'tokenlearner-16', 'filter-16-pos', 'tokenlearner-16-pos'];
const COUNTS = ['filter-8', 'filter-16', 'filter-64', 'tokenlearner-8', 'tokenlearner-16', 'tokenlearner-64'];
const kind = (n: string): string => (n.startsWith('filter') ? "VT's softmax maps" : "TokenLearner's sigmoid maps");

/**
 * The other reading of "each map becomes a token": learned maps that select positions,
 * each pooling the features under it into one token (VT's filter tokenizer, Wu et al. 2020;
 * TokenLearner, Ryoo et al. 2021), beside the question's flattened maps. Each with 16 maps,
 * without and with a position embedding on the features they pool: without one, a token
 * holds what lies under its map but not where, and the relation task asks where.
 */
export const learnedMaps: Suite = {
  name: 'learned-maps',
  description:
    "The literature's reading of maps as tokens: a learned map selects positions and the features it pools become the token (VT's filter tokenizer, TokenLearner), 16 maps each, without and with a position embedding on the pooled features, beside channel-full's flattened maps.",
  datasets: ['mnist', 'fashion-mnist', 'relation', 'cooccurrence'],
  models: [model('channel-full'), ...ARMS.map((n) => model(n))],
  kind: 'standard',
  comparisons: [
    ...ARMS.map((n) =>
      vs(
        n,
        'channel-full',
        `${kind(n)} with 16 tokens${n.endsWith('-pos') ? ', positions added,' : ''} against the question's 64 flattened maps`,
      ),
    ),
    ...['filter-16', 'tokenlearner-16'].map((n) =>
      vs(`${n}-pos`, n, `what a position embedding on the pooled features adds to ${kind(n)}`),
    ),
  ],
};

/**
 * How many learned maps: 8 and 16 ("8 or 16 tokens are often sufficient", Ryoo et al. 2021)
 * and the question's n = C = 64, on the real datasets, position-free as the issue states them.
 */
export const learnedMapCount: Suite = {
  name: 'learned-map-count',
  description:
    "How many learned maps a tokenizer needs: VT's filter tokenizer and TokenLearner with 8, 16 and the question's 64 maps, beside channel-full, on MNIST and Fashion-MNIST.",
  datasets: ['mnist', 'fashion-mnist'],
  models: [model('channel-full'), ...COUNTS.map((n) => model(n))],
  kind: 'standard',
  comparisons: COUNTS.map((n) =>
    vs(n, 'channel-full', `${kind(n)} with ${n.split('-')[1]} tokens against the question's 64 flattened maps`),
  ),
};
