/**
 * The cost model against the built graph, for every preset: parameters and
 * multiply-adds counted layer by layer from the shapes the built layers actually
 * have (their kernels, inputs and outputs), never from the config. The cost model
 * counts from lib/models/architecture.ts; if it and the builder ever disagree on a
 * stage or a block, this fails. A layer type this test does not know fails it too.
 */
import { test } from 'node:test';
import { stemOutputShape, stridedStem, twoConvStem } from '../lib/models/stem';
import { REGIME_ARMS, REGIME_STEMS } from '../study/suites/regime';
import * as assert from 'node:assert/strict';
import type * as tf from '@tensorflow/tfjs';
import { costModel } from '../lib/models/cost';
import { createModel } from '../lib/models/create';
import { resolveModelConfig } from '../lib/models/resolve';
import { backend } from './helpers/tf';
import { modelPreset } from '../lib/experiments/study';
import { STUDY } from '../study';

/** Layers that only reshape, normalize, add or activate: no multiply-adds by the cost model's convention. */
const ELEMENTWISE = new Set([
  'InputLayer',
  'Relu',
  'Activation',
  'LayerNorm',
  'BatchNormalization',
  'Dropout',
  'Add',
  'Concatenate',
  'LearnedEmbedding',
  'SinCos2DEmbedding',
  'ChannelPatchEmbedding',
  'ChannelPatches',
  'ClassToken',
  'SelectToken',
  'ChannelTokens',
  'SpatialTokens',
  'Patchify',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'MapWeights',
  'Reshape',
]);

const dims = (s: tf.Shape): number[] => s.map((x) => x ?? 1);
const prod = (xs: number[]): number => xs.reduce((a, b) => a * b, 1);

/** Multiply-adds of one built layer, per image, from its actual shapes. */
function layerMacs(layer: tf.layers.Layer): number {
  const first = (x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor => (Array.isArray(x) ? x[0] : x);
  const input = dims(first(layer.input).shape);
  const output = dims(first(layer.output).shape);
  const L = layer as unknown as Record<string, unknown>;
  const w = (field: string): number[] => (L[field] as tf.LayerVariable).shape as number[];
  const [, T, d] = input;
  switch (layer.getClassName()) {
    case 'Conv2D': {
      const [kh, kw, cin, cout] = w('kernel');
      return kh * kw * cin * cout * output[1] * output[2];
    }
    case 'Dense': {
      const [din, dout] = w('kernel');
      return prod(input.slice(1, -1)) * din * dout;
    }
    case 'MultiHeadSelfAttention':
    case 'CosineAttention':
      return 4 * T * d * d + 2 * T * T * d; // QKV and output projections; QKᵀ and AV over T tokens
    case 'CrossCovarianceAttention':
    case 'ChannelGroupAttention':
      return 4 * T * d * d + (2 * T * d * d) / (L.numHeads as number); // projections; d/h × d/h products over T positions
    case 'WindowAttention':
      return 4 * T * d * d + 2 * T * (L.window as number) ** 2 * d;
    case 'TokenGridConv':
      return (L.kernel as number) ** 2 * T * d;
    case 'MapMixing': {
      const [gh, gw] = L.grid as [number, number];
      return T * d * gh * gw + 9 * gh * gw * T + T * gh * gw * d; // up-projection, depthwise 3×3 per map, down-projection
    }
    case 'SqueezeExcite': {
      const [c, r] = w('w1');
      return c * r + r * c;
    }
    case 'WeightedPool': {
      const [, h, wd, c] = input; // the features; the weights are the second input
      return h * wd * c * output[1]; // Σ_p w_lp · x_p: H·W·C per token
    }
    case 'AdaptiveAvgPool2d': {
      const k = L.k as number;
      const [, h, wd, c] = input;
      return k === 1 ? 0 : h * c * wd * k + k * c * h * k; // separable bin matrices along W, then H
    }
    default:
      if (ELEMENTWISE.has(layer.getClassName())) return 0;
      throw new Error(`layer ${layer.name} of class ${layer.getClassName()} has no cost rule here`);
  }
}

function graphCost(model: tf.LayersModel): { params: number; macs: number } {
  let params = 0;
  let macs = 0;
  for (const layer of model.layers) {
    params += layer.countParams();
    macs += layerMacs(layer);
  }
  return { params, macs };
}

test("every preset: the cost model's parameters and FLOPs equal the built graph's, layer by layer", async () => {
  await backend();
  const configs = Object.keys(STUDY.models).map((name) => ({ name, cfg: resolveModelConfig(modelPreset(STUDY, name)) }));
  // And off the default shapes: a colour input, another width, depth and map count.
  configs.push({
    name: 'channel-full on 32×32×3, d 32, depth 3',
    cfg: resolveModelConfig(modelPreset(STUDY, 'channel-full'), { inputShape: [32, 32, 3], dModel: 32, depth: 3 }),
  });
  configs.push({ name: 'dual, depth 4', cfg: resolveModelConfig(modelPreset(STUDY, 'dual'), { depth: 4 }) });
  configs.push({ name: 'hybrid with [CLS]', cfg: resolveModelConfig(modelPreset(STUDY, 'hybrid'), { pooling: 'cls' }) });
  // The regime map's stem family, every stage count and width, under each of its arms.
  for (const stages of [1, 2, 3])
    for (const maps of [16, 64, 256])
      for (const arm of REGIME_ARMS)
        configs.push({
          name: `${arm} on stridedStem(${stages}, ${maps})`,
          cfg: resolveModelConfig(modelPreset(STUDY, arm), { stem: stridedStem(stages, maps) }),
        });
  for (const { name, cfg } of configs) {
    const m = createModel(cfg);
    try {
      const g = graphCost(m.model);
      const c = costModel(cfg);
      assert.equal(c.params, g.params, `${name}: parameters`);
      assert.equal(c.flops.total, 2 * g.macs, `${name}: FLOPs (2 per multiply-add)`);
    } finally {
      m.dispose();
    }
  }
});

test("the stem family: one stage is the answer's stem, and each stage halves the maps (14, 7, 4)", () => {
  assert.deepEqual(stridedStem(1, 64), twoConvStem(64, 2));
  assert.deepEqual(
    [1, 2, 3].map((k) => stemOutputShape([28, 28, 1], stridedStem(k, 256))),
    [
      [14, 14, 256],
      [7, 7, 256],
      [4, 4, 256],
    ],
  );
  assert.throws(() => stridedStem(4, 64), /stages must be 1, 2 or 3/);
  // The grid spans both regimes: fewer maps than positions, and more.
  const hw = (s: number): number => stemOutputShape([28, 28, 1], stridedStem(s, 1))[0] ** 2;
  assert.ok(REGIME_STEMS.some(([s, c]) => c < hw(s)) && REGIME_STEMS.some(([s, c]) => c > hw(s)));
});

test('the graph count can fail: a block the cost model does not know about is caught', async () => {
  await backend();
  const cfg = resolveModelConfig(modelPreset(STUDY, 'channel-full'));
  const deeper = createModel({ ...cfg, depth: cfg.depth + 1 });
  try {
    assert.notEqual(costModel(cfg).flops.total, 2 * graphCost(deeper.model).macs);
  } finally {
    deeper.dispose();
  }
});

test('the parameter count the catalog gives each model preset is its real count', () => {
  for (const [name, m] of Object.entries(STUDY.models))
    assert.equal(costModel(resolveModelConfig(m.config)).params, m.params, `${name}: study/models.ts says ${m.params}`);
});
