/**
 * Save and load models with their config, backend-neutral (no tfjs-node file://
 * handler): model.json holds the topology, the weights manifest and the full
 * ModelConfig; weights.bin holds the weights. A save is staged in a temporary
 * folder and renamed into place, so a crash never leaves a half-written model.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '../layers';
import '../tokenizers';
import type { ModelConfig } from './config';
import { type MapTokensModel, wrapLoaded } from './create';

interface SavedModelJson {
  format: 'maptokens-layers-model';
  config: ModelConfig;
  modelTopology: tf.io.ModelArtifacts['modelTopology'];
  weightsManifest: tf.io.WeightsManifestConfig;
}

/** Serializes to in-memory artifacts (what a save handler receives). */
export async function toArtifacts(m: MapTokensModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await m.model.save(
    tf.io.withSaveHandler(async (a) => {
      captured = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured) throw new Error('save handler was not called');
  return captured;
}

/** Rebuilds a model from in-memory artifacts and its config. */
export async function fromArtifacts(a: tf.io.ModelArtifacts, config: ModelConfig): Promise<MapTokensModel> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(a));
  return wrapLoaded(model, config);
}

function weightBuffer(a: tf.io.ModelArtifacts): Buffer {
  const wd = a.weightData;
  if (!wd) return Buffer.alloc(0);
  const parts = Array.isArray(wd) ? wd : [wd];
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

/** Writes dir/model.json and dir/weights.bin atomically (staged, then renamed). */
export async function saveModel(m: MapTokensModel, dir: string): Promise<void> {
  const a = await toArtifacts(m);
  const staging = `${dir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const json: SavedModelJson = {
    format: 'maptokens-layers-model',
    config: m.config,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
  };
  fs.writeFileSync(path.join(staging, 'weights.bin'), weightBuffer(a));
  fs.writeFileSync(path.join(staging, 'model.json'), JSON.stringify(json));
  const old = `${dir}.old-${process.pid}`;
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(staging, dir);
  fs.rmSync(old, { recursive: true, force: true });
}

/** Loads what saveModel wrote; a missing or corrupt file is an error naming it. */
export async function loadModel(dir: string): Promise<MapTokensModel> {
  const jsonPath = path.join(dir, 'model.json');
  const binPath = path.join(dir, 'weights.bin');
  let json: SavedModelJson;
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as SavedModelJson;
  } catch (e) {
    throw new Error(`${jsonPath}: cannot read model (${(e as Error).message})`);
  }
  if (json.format !== 'maptokens-layers-model')
    throw new Error(`${jsonPath}: not a maptokens model (format ${JSON.stringify(json.format)})`);
  const bin = fs.readFileSync(binPath);
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (bin.length !== expected)
    throw new Error(`${binPath}: ${bin.length} bytes, expected ${expected} for the weights in model.json (truncated?)`);
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  return fromArtifacts({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }, json.config);
}
