/**
 * The learned-map tokenizers (VT's filter tokenizer, TokenLearner): the tokens are what
 * the papers define, computed by hand on a small case; the filter tokens ignore where
 * positions are (a softmax-weighted sum over them) while TokenLearner's 3×3 map net does
 * not; without a position embedding neither token says where its map lies, with one both
 * do; parameters equal the cost model's; gradients reach every weight; save/load is exact.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { assertNoLeak, backend, maxAbsDiff, tf } from './helpers/tf';
import { costModel, createModel, fromArtifacts, type ModelConfig, resolveModelConfig, toArtifacts } from '../lib/models';
import { MapWeights, WeightedPool } from '../lib/tokenizers';
import { modelPreset } from '../lib/experiments/study';
import { STUDY } from '../study';

const seeded = (shape: number[], seed: number): tf.Tensor => tf.randomNormal(shape, 0, 1, 'float32', seed);

test('filter tokens are softmax-weighted sums of the C-vectors; TokenLearner tokens are sigmoid-weighted means', async () => {
  await backend();
  tf.tidy(() => {
    const x = seeded([2, 3, 3, 4], 1) as tf.Tensor4D; // [B, H, W, C]
    const a = seeded([2, 3, 3, 2], 2) as tf.Tensor4D; // [B, H, W, L] map logits
    const xs = x.arraySync() as number[][][][];
    const as = a.arraySync() as number[][][][];
    for (const [normalization, reduce] of [
      ['softmax', 'sum'],
      ['sigmoid', 'mean'],
    ] as const) {
      const w = new MapWeights({ normalization }).apply(a) as tf.Tensor4D;
      const tokens = (new WeightedPool({ reduce }).apply([x, w]) as tf.Tensor).arraySync() as number[][][]; // [B, L, C]
      for (let b = 0; b < 2; b++)
        for (let l = 0; l < 2; l++) {
          const logits = as[b].flat().map((v) => v[l]);
          const weights =
            normalization === 'softmax'
              ? logits.map((v) => Math.exp(v) / logits.reduce((s, u) => s + Math.exp(u), 0))
              : logits.map((v) => 1 / (1 + Math.exp(-v)) / 9);
          const feats = xs[b].flat();
          for (let c = 0; c < 4; c++) {
            const hand = feats.reduce((s, f, p) => s + weights[p] * f[c], 0);
            assert.ok(Math.abs(tokens[b][l][c] - hand) < 1e-5, `${normalization}: token ${l} channel ${c}: ${tokens[b][l][c]} vs ${hand}`);
          }
        }
    }
  });
});

/** Permutes the H·W positions of [B, H, W, C] maps. */
function permutePositions(x: tf.Tensor4D, perm: number[]): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.gather(x.reshape([b, h * w, c]), tf.tensor1d(perm, 'int32'), 1).reshape([b, h, w, c]) as tf.Tensor4D; // [B, H, W, C] -> [B, HW, C] -> permuted -> back
}

test("permutation: filter tokens do not depend on where the positions are; TokenLearner's 3×3 map net does", async () => {
  await backend();
  for (const [tokenizer, invariant] of [
    ['filter', true],
    ['learned-maps', false],
  ] as const) {
    const m = createModel({ tokenizer, mapTokens: 4, dModel: 16, heads: 2, depth: 1, dropout: 0 });
    // The tokenizer alone, its built layers applied to maps directly: maps -> (hidden) -> logits -> weights -> tokens.
    const layer = (n: string) => m.model.getLayer(n);
    const tokenize = (x: tf.Tensor4D): tf.Tensor => {
      const hidden = tokenizer === 'learned-maps' ? (layer('map_hidden').apply(x) as tf.Tensor) : x;
      const weights = layer('token_maps').apply(layer('map_logits').apply(hidden) as tf.Tensor) as tf.Tensor;
      return layer(`tokens_${tokenizer === 'filter' ? 'filter' : 'learned'}`).apply([x, weights]) as tf.Tensor;
    };
    tf.tidy(() => {
      const x = tf.relu(seeded([2, 14, 14, 64], 3)) as tf.Tensor4D;
      const perm = Array.from({ length: 196 }, (_, i) => (i * 37 + 11) % 196);
      const diff = maxAbsDiff(tokenize(x).dataSync(), tokenize(permutePositions(x, perm)).dataSync());
      if (invariant) assert.ok(diff < 1e-4, `filter tokens changed by ${diff} when positions were permuted`);
      else assert.ok(diff > 1e-3, `TokenLearner tokens did not see the permutation (diff ${diff})`);
    });
    m.dispose();
  }
});

/** A 28×28 image, zero but for a 5×5 blob with its corner at (r, c). */
function blobAt(r: number, c: number): tf.Tensor4D {
  const px = new Float32Array(28 * 28);
  for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) px[(r + y) * 28 + c + x] = 0.2 + 0.03 * (y * 5 + x); // not symmetric: its features differ across the maps
  return tf.tensor4d(px, [1, 28, 28, 1]);
}

test('positions: without a position embedding the tokens say what lies under each map, not where; with one they say where', async () => {
  await backend();
  // A shift by 4 pixels is 2 positions of the stride-2 maps: far from the border, the maps' C-vectors are the same
  // set in another place, so a weighted sum or mean over positions cannot tell the two images apart.
  for (const [name, blind] of [
    ['filter-16', true],
    ['tokenlearner-16', true],
    ['filter-16-pos', false],
    ['tokenlearner-16-pos', false],
  ] as const) {
    const m = createModel(resolveModelConfig(modelPreset(STUDY, name), { dropout: 0 }));
    // A trained table, not the near-zero one of initialization (std 0.02), whose effect hides in float noise.
    if (!blind) tf.tidy(() => m.model.getLayer('pos_embedding_maps').setWeights([seeded([196, 64], 7)]));
    tf.tidy(() => {
      const diff = maxAbsDiff(m.tokens(blobAt(8, 8)).dataSync(), m.tokens(blobAt(12, 16)).dataSync());
      if (blind) assert.ok(diff < 1e-6, `${name}: tokens changed by ${diff} when the blob moved`);
      else assert.ok(diff > 1e-4, `${name}: tokens did not see the blob move (diff ${diff})`);
    });
    m.dispose();
  }
});

test('learned-map presets: shapes, parameters equal to the cost model, gradients reach every weight, save/load exact', async () => {
  await backend();
  for (const name of [
    'filter-8',
    'filter-16',
    'filter-64',
    'tokenlearner-8',
    'tokenlearner-16',
    'tokenlearner-64',
    'filter-16-pos',
    'tokenlearner-16-pos',
  ]) {
    const cfg: ModelConfig = resolveModelConfig(modelPreset(STUDY, name), { dropout: 0 });
    const m = createModel(cfg);
    try {
      assert.equal(costModel(cfg).params, m.model.countParams(), `${name}: params`);
      assert.equal(costModel(cfg).T, cfg.mapTokens, `${name}: T`);
      assert.deepEqual(m.model.getLayer(`tokens_${cfg.tokenizer === 'filter' ? 'filter' : 'learned'}`).outputShape, [
        null,
        cfg.mapTokens,
        64,
      ]);
      assert.deepEqual(m.model.getLayer('token_maps').outputShape, [null, 14, 14, cfg.mapTokens]);
      const x = seeded([8, 28, 28, 1], 5) as tf.Tensor4D;
      const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, m.trainLogits(x)) as tf.Scalar);
        for (const w of m.model.trainableWeights) {
          const g = grads[(w.read() as tf.Variable).name];
          assert.ok(g && g.abs().sum().dataSync()[0] > 0, `${name}: no gradient for ${w.originalName}`);
        }
      });
      await assertNoLeak(`${name} round trip`, async () => {
        const y = m.predict(x);
        const loaded = await fromArtifacts(await toArtifacts(m), m.config);
        const y2 = loaded.predict(x);
        assert.equal(maxAbsDiff(y.dataSync(), y2.dataSync()), 0, `${name}: round trip differs`);
        tf.dispose([y, y2]);
        loaded.dispose();
      });
      tf.dispose([x, labels]);
    } finally {
      m.dispose();
    }
  }
});
