import type { InspectedRun } from '../lib/experiments/study';

/**
 * The answer's second round (2026-12-07), in the order its one queue runs them, the one that decides the most
 * first: hybrid where channel and spatial tokens differ on relation (its block completes first), the style and
 * hybrid claims on unlimited co-occurrence data, the learning-rate check of the pooling claim's underfit arm (two runs),
 * then the regime map (the stem family) and the data-size curve.
 */
export const ROUND_TWO_SUITES = ['hybrid-relation', 'style-unlimited', 'underfit-lr', 'regime', 'data-size'];

/**
 * The suites the converged answer runs under the standard preset: the core grid, its
 * controls, the style task, hybrid's arms (channel-vs-spatial), the learned maps and their
 * number: every suite a claim of the question reads runs from (the cost claim reads the
 * cost model only). Hybrid comes before the learned maps because its six runs settle a
 * claim on their own, and the learned maps' claim before how many maps they need.
 */
export const ANSWER_SUITES = ['core', 'controls', 'style', 'channel-vs-spatial', 'learned-maps', 'learned-map-count', ...ROUND_TWO_SUITES];

/**
 * The arms 99's opening figure draws beside the claims' arms, in every panel where a suite the claims read ran them:
 * the pure ViT on 7×7 patches of the raw image (no stem: what the stem adds) and a CNN of the same size (what tokens
 * and attention add). No claim compares them; they tell a reader where the claims' arms stand.
 */
export const REFERENCE_ARMS = ['vit-patch7', 'cnn-deep'];

/**
 * The seed-0 runs the notebooks look inside, at their default parameters: 02_tokenizers and 07_attention on MNIST,
 * 09_style_and_learned_maps and 99_report on the relation task. Under the standard preset their weights are committed (.gitignore
 * lets exactly these through; test/notebook-files.test.ts holds the two to each other): a fresh clone would otherwise
 * retrain each for an hour or more, and on another CPU get another draw of the run, not the stored one.
 */
export const INSPECTED_RUNS: InspectedRun[] = [
  { suite: 'pooled-vs-full', model: 'channel-full', dataset: 'mnist' },
  { suite: 'pooled-vs-full', model: 'spatial-full', dataset: 'mnist' },
  { suite: 'learned-maps', model: 'filter-16', dataset: 'mnist' },
  { suite: 'learned-maps', model: 'tokenlearner-16', dataset: 'mnist' },
  { suite: 'learned-maps', model: 'filter-16-pos', dataset: 'relation' },
  { suite: 'learned-maps', model: 'tokenlearner-16-pos', dataset: 'relation' },
  // The same arms without positions on the relation task: 09 draws what their maps select where no token knows its place.
  { suite: 'learned-maps', model: 'filter-16', dataset: 'relation' },
  { suite: 'learned-maps', model: 'tokenlearner-16', dataset: 'relation' },
  // The question's channel tokens on the relation task, beside them in 09's and 99's relation probe.
  { suite: 'learned-maps', model: 'channel-full', dataset: 'relation' },
  // The underfit arm at a quarter of the standard rate: 04's probe reads its stem (lib/train/probe.ts).
  { suite: 'underfit-lr', model: 'channel-pooled lr 0.0005', dataset: 'relation' },
];
