/**
 * Models: every preset and every tokenizer × embedding × pooling builds, runs,
 * learns, round-trips through save/load, and has the symmetries it should have.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertNoLeak, backend, maxAbsDiff, tf } from './helpers/tf';
import { tempDir } from './helpers/tmp';
import {
  ConfigError,
  costModel,
  createModel,
  fromArtifacts,
  loadModel,
  type MapTokensModel,
  type ModelConfig,
  resolveModelConfig,
  saveModel,
  TOKENIZERS,
  toArtifacts,
} from '../lib/models';
import { modelPreset } from '../lib/experiments/study';
import { ChannelPatches } from '../lib/tokenizers';
import { STUDY } from '../study';

/** Small but complete: 12×12 input, stem to 6×6×8, d 16, 1 block. */
const TINY: Partial<ModelConfig> = {
  inputShape: [12, 12, 1],
  stem: [{ filters: 8, kernel: 3, stride: 2, padding: 'same', activation: 'relu', batchNorm: false }],
  dModel: 16,
  heads: 2,
  depth: 1,
  poolK: 3,
  patchSize: 4,
  dropout: 0,
};

function tiny(over: Partial<ModelConfig>): Partial<ModelConfig> {
  const cfg = { ...TINY, ...over };
  if (cfg.tokenizer === 'patch') cfg.stem = [];
  return cfg;
}

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

test('every preset: forward shape, finite logits, params = countParams()', async () => {
  await backend();
  for (const name of Object.keys(STUDY.models)) {
    await assertNoLeak(`preset ${name}`, () => {
      const m = createModel(modelPreset(STUDY, name));
      tf.tidy(() => {
        const y = m.predict(seeded([3, ...m.config.inputShape], 1) as tf.Tensor4D);
        assert.deepEqual(y.shape, [3, m.config.numClasses], name);
        assert.ok(y.isFinite().all().dataSync()[0], `${name}: non-finite logits`);
      });
      assert.equal(m.cost.params, m.model.countParams(), `${name}: cost model params`);
      assert.equal(m.model.countParams(), STUDY.models[name].params, `${name}: the catalog's parameter count`);
      m.dispose();
    });
  }
});

/** Every tokenizer × embedding option × pooling choice. */
function grid(): Partial<ModelConfig>[] {
  const out: Partial<ModelConfig>[] = [];
  for (const tokenizer of TOKENIZERS)
    for (const pooling of ['mean', 'cls'] as const) {
      const channelish = tokenizer.startsWith('channel') || tokenizer === 'hybrid';
      const spatialish = !tokenizer.startsWith('channel');
      for (const channelEmbedding of channelish ? [true, false] : [false])
        for (const positionEmbedding of spatialish ? (['learned', 'sincos', 'none'] as const) : (['none'] as const))
          out.push(tiny({ tokenizer, pooling, channelEmbedding, positionEmbedding }));
    }
  return out;
}

test('tokenizer × embedding × pooling grid: shape, finite, exact params', async () => {
  await backend();
  const configs = grid();
  assert.ok(configs.length >= 30, `grid too small: ${configs.length}`);
  for (const cfg of configs) {
    const m = createModel(cfg);
    const label = JSON.stringify({ t: cfg.tokenizer, p: cfg.pooling, c: cfg.channelEmbedding, pos: cfg.positionEmbedding });
    tf.tidy(() => {
      const y = m.predict(seeded([2, 12, 12, 1], 2) as tf.Tensor4D);
      assert.deepEqual(y.shape, [2, 10], label);
      assert.ok(y.isFinite().all().dataSync()[0], `${label}: non-finite`);
      const tok = m.tokens(seeded([2, 12, 12, 1], 3) as tf.Tensor4D);
      assert.equal(tok.shape[1], m.cost.streams[0].T, `${label}: T`);
      assert.equal(tok.shape[2], m.cost.Dtok, `${label}: D_tok`);
    });
    assert.equal(m.cost.params, m.model.countParams(), `${label}: params`);
    m.dispose();
  }
});

function crossEntropy(m: MapTokensModel, x: tf.Tensor4D, labels: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, m.config.numClasses), m.trainLogits(x)) as tf.Scalar;
}

test('gradients reach every trainable weight, for every tokenizer and the CNN', async () => {
  await backend();
  const variants: Partial<ModelConfig>[] = [
    ...TOKENIZERS.map((t) => tiny({ tokenizer: t, pooling: t === 'hybrid' ? 'cls' : 'mean' })),
    tiny({ arch: 'cnn' }),
    tiny({ tokenizer: 'channel-full', se: true, seReduction: 1 }),
  ]; // r = 1: 8 hidden units, so a dead ReLU cannot hide the gradient path;
  for (const cfg of variants) {
    const m = createModel(cfg);
    tf.tidy(() => {
      const x = seeded([4, 12, 12, 1], 4) as tf.Tensor4D;
      const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
      const { grads } = tf.variableGrads(() => crossEntropy(m, x, labels));
      const trainable = m.model.trainableWeights;
      assert.ok(trainable.length > 0);
      for (const w of trainable) {
        const g = grads[(w.read() as tf.Variable).name]; // keyed by the underlying tf.Variable's name
        assert.ok(g, `${cfg.tokenizer ?? cfg.arch}: no gradient for ${w.originalName}`);
        assert.ok(g.abs().sum().dataSync()[0] > 0, `${cfg.tokenizer ?? cfg.arch}: zero gradient for ${w.originalName}`);
      }
    });
    m.dispose();
  }
});

/** Permutes the output channels of the last stem conv in place (kernel [k,k,cin,C], bias [C]). */
function permuteStemChannels(m: MapTokensModel, perm: number[]): void {
  const conv = m.model.getLayer(`stem_conv${m.config.stem.length - 1}`);
  const [kernel, bias] = conv.getWeights();
  const idx = tf.tensor1d(perm, 'int32');
  const permuted = [tf.gather(kernel, idx, 3), tf.gather(bias, idx, 0)];
  conv.setWeights(permuted);
  tf.dispose([idx, ...permuted]);
}

test('channel-full without identity embedding and with mean pooling is invariant to permuting channels; with it, not', async () => {
  await backend();
  const perm = [3, 0, 7, 1, 6, 2, 5, 4];
  for (const channelEmbedding of [false, true]) {
    const m = createModel(tiny({ tokenizer: 'channel-full', channelEmbedding, pooling: 'mean' }));
    const x = seeded([3, 12, 12, 1], 5) as tf.Tensor4D;
    const before = m.predict(x);
    const mapsBefore = m.featureMaps(x);
    permuteStemChannels(m, perm);
    const after = m.predict(x);
    const mapsAfter = m.featureMaps(x);
    // The permutation really happened: map c after = map perm[c] before.
    const moved = tf.gather(mapsBefore, tf.tensor1d(perm, 'int32'), 3);
    assert.ok(maxAbsDiff(moved.dataSync(), mapsAfter.dataSync()) < 1e-6, 'stem permutation did not permute the maps');
    const diff = maxAbsDiff(before.dataSync(), after.dataSync());
    if (channelEmbedding) assert.ok(diff > 1e-3, `with identity embedding the logits should change; diff ${diff}`);
    else assert.ok(diff < 1e-4, `without identity embedding the logits changed by ${diff}`);
    tf.dispose([x, before, after, mapsBefore, mapsAfter, moved]);
    m.dispose();
  }
});

test('spatial-full without position embedding and with mean pooling is invariant to permuting positions', async () => {
  await backend();
  // No stem: the maps are the image itself, so permuting pixels permutes positions exactly.
  for (const positionEmbedding of ['none', 'learned'] as const) {
    const m = createModel({ ...TINY, inputShape: [6, 6, 3], stem: [], tokenizer: 'spatial-full', positionEmbedding, pooling: 'mean' });
    const x = seeded([2, 6, 6, 3], 6) as tf.Tensor4D;
    const perm = Array.from({ length: 36 }, (_, i) => (i * 7 + 3) % 36); // 7 is coprime to 36: a permutation
    const xp = tf.tidy(() => tf.gather(x.reshape([2, 36, 3]), tf.tensor1d(perm, 'int32'), 1).reshape([2, 6, 6, 3])) as tf.Tensor4D; // [B, H, W, C] -> [B, HW, C] -> permuted -> [B, H, W, C]
    const a = m.predict(x);
    const b = m.predict(xp);
    const diff = maxAbsDiff(a.dataSync(), b.dataSync());
    if (positionEmbedding === 'none') assert.ok(diff < 1e-4, `logits changed by ${diff}`);
    else assert.ok(diff > 1e-3, `with learned positions the logits should change; diff ${diff}`);
    tf.dispose([x, xp, a, b]);
    m.dispose();
  }
});

test('save/load round trip is exact for every preset, in memory and on disk', async () => {
  await backend();
  const dir = tempDir('model');
  for (const name of Object.keys(STUDY.models)) {
    await assertNoLeak(`round trip ${name}`, async () => {
      const m = createModel(modelPreset(STUDY, name));
      const x = seeded([2, ...m.config.inputShape], 7) as tf.Tensor4D;
      const y = m.predict(x);
      const loaded = await fromArtifacts(await toArtifacts(m), m.config);
      const y2 = loaded.predict(x);
      assert.equal(maxAbsDiff(y.dataSync(), y2.dataSync()), 0, `${name}: in-memory round trip differs`);
      const d = path.join(dir, name);
      await saveModel(m, d);
      const fromDisk = await loadModel(d);
      const y3 = fromDisk.predict(x);
      assert.equal(maxAbsDiff(y.dataSync(), y3.dataSync()), 0, `${name}: disk round trip differs`);
      assert.deepEqual(fromDisk.config, m.config);
      tf.dispose([x, y, y2, y3]);
      m.dispose();
      loaded.dispose();
      fromDisk.dispose();
    });
  }
});

test('a truncated weights file is refused with its name', async () => {
  await backend();
  const dir = tempDir('model');
  const m = createModel(tiny({ tokenizer: 'channel-full' }));
  await saveModel(m, dir);
  m.dispose();
  const bin = path.join(dir, 'weights.bin');
  fs.truncateSync(bin, fs.statSync(bin).size - 8);
  await assert.rejects(loadModel(dir), /weights\.bin: .*truncated/);
});

test('loss falls on a small fixed batch within a few steps, and steps leak no tensors', async () => {
  await backend();
  for (const name of ['channel-full', 'spatial-full']) {
    const m = createModel(tiny({ tokenizer: name as ModelConfig['tokenizer'] }));
    const x = seeded([16, 12, 12, 1], 8) as tf.Tensor4D;
    const labels = tf.tensor1d(
      Array.from({ length: 16 }, (_, i) => i % 10),
      'int32',
    );
    const opt = tf.train.adam(3e-3);
    const step = (): number => {
      const loss = opt.minimize(() => crossEntropy(m, x, labels), true) as tf.Scalar;
      const v = loss.dataSync()[0];
      loss.dispose();
      return v;
    };
    const first = step(); // creates Adam's slot variables
    // 30 steps: TensorFlow's threaded sums make a run's path vary, and after 15 steps spatial-full's loss ratio
    // reached 0.73 on one run of three; after 30 it stays well under the bar.
    const losses = await assertNoLeak(`${name} training steps`, () => Array.from({ length: 30 }, step));
    const last = losses[losses.length - 1];
    assert.ok(last < 0.7 * first, `${name}: loss went from ${first.toFixed(3)} to ${last.toFixed(3)}`);
    opt.dispose();
    tf.dispose([x, labels]);
    m.dispose();
  }
});

test('creating, running and disposing a model leaves no tensors behind', async () => {
  await backend();
  for (const name of ['channel-pooled-k4', 'spatial-full-sincos', 'hybrid', 'channel-full-se']) {
    await assertNoLeak(`${name} lifecycle`, () => {
      const m = createModel(modelPreset(STUDY, name));
      tf.tidy(() => {
        const x = seeded([2, 28, 28, 1], 9) as tf.Tensor4D;
        m.predict(x);
        m.tokens(x);
        m.encode(x);
        m.attention(x, 1);
      });
      m.dispose();
    });
  }
});

test('attention weights are retrievable: [B, heads, T, T] with rows summing to 1', async () => {
  await backend();
  const m = createModel(modelPreset(STUDY, 'channel-full'), { pooling: 'cls' });
  tf.tidy(() => {
    const a = m.attention(seeded([2, 28, 28, 1], 10) as tf.Tensor4D, 0);
    assert.deepEqual(a.shape, [2, 4, 65, 65]);
    const sums = a.sum(3).dataSync();
    assert.ok(sums.every((s) => Math.abs(s - 1) < 1e-5));
  });
  m.dispose();
});

test('invalid configs are rejected with the field named', () => {
  const cases: [Partial<ModelConfig> | [string, Partial<ModelConfig>], RegExp][] = [
    [{ dModel: 64, heads: 5 }, /^heads: 5 heads do not divide dModel 64/],
    [{ tokenizer: 'channel-pooled-k', poolK: 20 }, /^poolK: k = 20 is larger than the 14×14/],
    [{ tokenizer: 'patch', stem: [], patchSize: 5 }, /^patchSize: 5 does not divide the 28×28/],
    [{ tokenizer: 'channel-full', colour: 'red' } as Partial<ModelConfig>, /^colour: unknown key/],
    [
      {
        stem: [{ filters: 8, kernel: 3, stride: 1, padding: 'same', activation: 'relu', batchNorm: false, dilation: 2 }],
      } as unknown as Partial<ModelConfig>,
      /^stem\[0\]\.dilation: unknown key/,
    ],
    [{ tokenizer: 'tokens-please' as ModelConfig['tokenizer'] }, /^tokenizer: must be one of/],
    [{ dropout: 1.5 }, /^dropout: must be in \[0, 1\)/],
    [['no-such-preset', {}], /unknown model preset 'no-such-preset'/],
  ];
  for (const [cfg, re] of cases) {
    assert.throws(
      () => (Array.isArray(cfg) ? createModel(modelPreset(STUDY, cfg[0]), cfg[1]) : createModel(cfg)),
      (e: Error) => {
        assert.match(e.message, re);
        if (!Array.isArray(cfg)) assert.ok(e instanceof ConfigError, `${e.message} should be a ConfigError`);
        return true;
      },
    );
  }
});

test('a config over the memory limit reports the cost-model numbers', () => {
  // 64×64 input, stem stride 1: 4096 spatial tokens, attention maps 4096² per head.
  const big: Partial<ModelConfig> = {
    inputShape: [64, 64, 1],
    stem: [{ filters: 16, kernel: 3, stride: 1, padding: 'same', activation: 'relu', batchNorm: false }],
    tokenizer: 'spatial-full',
  };
  assert.throws(() => createModel(big), /memoryLimitMB: .*MiB of activations per image.*T = 4096 tokens of D_tok = 16.*attention maps/);
  // The same maps as channel tokens: 16 tokens, well within the limit.
  const ok = createModel({ ...big, tokenizer: 'channel-full' });
  assert.equal(ok.cost.T, 16);
  ok.dispose();
});

test('FLOPs and params equal hand computations for two configs', () => {
  // Input 8×8×1; stem: one 3×3 conv, 4 filters, stride 2, 'same' -> maps 4×4×4 (H = W = 4, C = 4).
  // d = 8, 1 block, 2 heads, MLP width m = 2·8 = 16, 3 classes, mean pooling.
  const base: Partial<ModelConfig> = {
    inputShape: [8, 8, 1],
    numClasses: 3,
    stem: [{ filters: 4, kernel: 3, stride: 2, padding: 'same', activation: 'relu', batchNorm: false }],
    dModel: 8,
    depth: 1,
    heads: 2,
    mlpRatio: 2,
    pooling: 'mean',
  };
  // Stem: 2 · (3·3·1) · 4 filters · (4·4) outputs = 1152.
  const stem = 2 * 9 * 1 * 4 * 16;
  assert.equal(stem, 1152);

  // Channel tokens: T = C = 4, D_tok = H·W = 16.
  //   projection 2·T·D_tok·d = 2·4·16·8 = 1024
  //   attention (QKᵀ + AV) 2 · 2·T²·d = 4·16·8 = 512
  //   attention projections 2·T·d·3d + 2·T·d·d = 1536 + 512 = 2048
  //   MLP 2·T·d·m + 2·T·m·d = 1024 + 1024 = 2048
  //   head 2·d·3 = 48
  const ch = costModel(resolveModelConfig({ ...base, tokenizer: 'channel-full' }));
  assert.deepEqual([ch.T, ch.Dtok], [4, 16]);
  assert.deepEqual(
    {
      stem: ch.flops.stem,
      projection: ch.flops.projection,
      attention: ch.flops.attention,
      attnProj: ch.flops.attnProj,
      mlp: ch.flops.mlp,
      head: ch.flops.head,
      total: ch.flops.total,
    },
    { stem: 1152, projection: 1024, attention: 512, attnProj: 2048, mlp: 2048, head: 48, total: 6832 },
  );
  // Params: stem 3·3·1·4 + 4 = 40; projection 16·8 + 8 = 136; channel identities 4·8 = 32;
  // block: LN 16 + QKV 8·24 + 24 = 216 + proj 8·8 + 8 = 72 + LN 16 + fc1 8·16 + 16 = 144 + fc2 16·8 + 8 = 136 -> 600;
  // final LN 16 + head 8·3 + 3 = 27 -> 43. Total 40 + 136 + 32 + 600 + 43 = 851.
  assert.equal(ch.params, 851);

  // Spatial tokens: T = H·W = 16, D_tok = C = 4.
  //   projection 2·16·4·8 = 1024; attention 4·16²·8 = 8192; attention projections 8·16·8² = 8192;
  //   MLP 4·16·8·16 = 8192; head 48. Total 1152 + 1024 + 8192·3 + 48 = 26800.
  const sp = costModel(resolveModelConfig({ ...base, tokenizer: 'spatial-full' }));
  assert.deepEqual([sp.T, sp.Dtok], [16, 4]);
  assert.deepEqual(
    [sp.flops.projection, sp.flops.attention, sp.flops.attnProj, sp.flops.mlp, sp.flops.total],
    [1024, 8192, 8192, 8192, 26800],
  );
  // Both build, and the real models agree with the count.
  for (const t of ['channel-full', 'spatial-full'] as const) {
    const m = createModel({ ...base, tokenizer: t });
    assert.equal(m.model.countParams(), costModel(m.config).params);
    m.dispose();
  }
});

test('channel-patch: token c·k² + i·k + j is patch (i, j) of map c, flattened row-major', async () => {
  await backend();
  const [b, h, w, c, k] = [2, 4, 6, 3, 2];
  const maps = tf.tidy(() => tf.range(0, b * h * w * c).reshape([b, h, w, c])); // value = ((n·H + y)·W + x)·C + ch
  const layer = new ChannelPatches({ k });
  const tokens = layer.apply(maps) as tf.Tensor3D;
  assert.deepEqual(tokens.shape, [b, c * k * k, (h / k) * (w / k)]);
  const got = tokens.arraySync();
  const [ph, pw] = [h / k, w / k];
  for (let n = 0; n < b; n++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++)
          for (let y = 0; y < ph; y++)
            for (let x = 0; x < pw; x++) {
              const want = ((n * h + i * ph + y) * w + j * pw + x) * c + ch;
              assert.equal(got[n][ch * k * k + i * k + j][y * pw + x], want, `image ${n} map ${ch} patch (${i}, ${j}) at (${y}, ${x})`);
            }
  tf.dispose([maps, tokens]);
});
