/**
 * Epoch checkpoints: a run that is killed (a session's end, a crash, SIGKILL) resumes
 * from its last finished epoch instead of from its start. The standard sweep spans many
 * sessions, and without this every session's end threw away the runs in flight, up to
 * an hour and more of training each.
 *
 * What a resumed run needs to continue exactly as if it had not stopped: every model
 * weight, the selected (best-validation) weights, AdamW's moments and step count, the
 * seeded Math.random's state (dropout masks), the curve so far (the plateau tracker is
 * replayed from it) and the step count (the learning-rate schedule and the shuffles
 * are functions of the step, the epoch and the seed). A test requires a killed and
 * resumed run's curve to equal an uninterrupted one's.
 *
 * One file, results/runs/<id>/checkpoint.bin, written atomically after each epoch:
 * a kill leaves the previous checkpoint or the new one, never half of one. The layout is
 * "MTCK", the header's byte length (uint32), the JSON header, padding to 4 bytes, then
 * the float32 tensors in the header's order. A checkpoint that does not read (corrupt,
 * from another config, another layout) is reported and the run starts over: losing a
 * checkpoint costs time, never a result. The file is deleted once the run's record is
 * made.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../results/record';
import { writeFileAtomic } from '../util/atomic';

const MAGIC = 'MTCK';
const FILE = 'checkpoint.bin';

/** The training state between two epochs that is not a tensor. */
export interface CheckpointState {
  /** The experiment id: a checkpoint only resumes the config it was saved from. */
  id: string;
  epoch: number;
  step: number;
  curve: EpochMetrics[];
  /** The seeded Math.random's state. */
  rng: number;
  /** AdamW's step count (its bias corrections). */
  optimizerSteps: number;
  trainImages: number;
  trainSeconds: number;
  /** The stretches of wall time the run has trained in so far, one per process. */
  segments: { started: string; ended: string }[];
}

/** Tensors by group, each group in a fixed order (model weights, best weights, moments). */
export type TensorGroups = Record<string, tf.Tensor[]>;

interface Header extends CheckpointState {
  tensors: { group: string; shape: number[] }[];
  sha256: string;
}

export const checkpointFile = (runDir: string): string => path.join(runDir, FILE);

/** Where the tensors begin: after the 8-byte prefix and a header of `len` bytes, padded to 4 bytes (float32 alignment). */
const bodyStart = (len: number): number => 8 + len + ((4 - ((8 + len) % 4)) % 4);

/** Writes the checkpoint atomically. Reads every tensor to the CPU (a few MB; once per epoch). */
export function saveCheckpoint(runDir: string, state: CheckpointState, groups: TensorGroups): void {
  const tensors = Object.entries(groups).flatMap(([group, ts]) => ts.map((t) => ({ group, t })));
  const total = tensors.reduce((a, x) => a + x.t.size, 0);
  const data = new Float32Array(total);
  let o = 0;
  for (const { t } of tensors) {
    data.set(t.dataSync() as Float32Array, o);
    o += t.size;
  }
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const header: Header = {
    ...state,
    tensors: tensors.map(({ group, t }) => ({ group, shape: t.shape })),
    sha256: createHash('sha256').update(body).digest('hex'),
  };
  const json = Buffer.from(JSON.stringify(header));
  const pad = bodyStart(json.length) - 8 - json.length;
  const head = Buffer.alloc(8);
  head.write(MAGIC, 0, 'ascii');
  head.writeUInt32LE(json.length, 4);
  writeFileAtomic(checkpointFile(runDir), Buffer.concat([head, json, Buffer.alloc(pad, 0x20), body]));
}

export interface LoadedCheckpoint {
  state: CheckpointState;
  /** The tensors of each group, as saved (the caller disposes them). */
  groups: TensorGroups;
}

/**
 * The run's checkpoint, or null when there is none. A file that is there but does not
 * resume this run throws an Error saying why; the trainer logs it and starts over.
 * `expect` gives each group's shapes as the fresh model has them; an `optional` group may be absent.
 */
export function loadCheckpoint(
  runDir: string,
  id: string,
  expect: Record<string, number[][]>,
  optional: string[] = [],
): LoadedCheckpoint | null {
  const file = checkpointFile(runDir);
  if (!fs.existsSync(file)) return null;
  const buf = fs.readFileSync(file);
  if (buf.length < 8 || buf.toString('ascii', 0, 4) !== MAGIC) throw new Error(`${file}: not a checkpoint (bad magic)`);
  const len = buf.readUInt32LE(4);
  if (8 + len > buf.length) throw new Error(`${file}: truncated header (${buf.length} bytes)`);
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 8, 8 + len)) as Header;
  } catch {
    throw new Error(`${file}: the header does not parse`);
  }
  const { tensors, sha256, ...state } = header; // the state, and the layout of the tensors
  if (state.id !== id) throw new Error(`${file}: saved for run ${state.id}, not ${id}`);
  const body = buf.subarray(bodyStart(len));
  if (createHash('sha256').update(body).digest('hex') !== sha256)
    throw new Error(`${file}: the tensors do not match their checksum (corrupt)`);
  // The same groups, in the same order and shapes, as the fresh model and optimizer have.
  for (const [group, shapes] of Object.entries(expect)) {
    const saved = tensors.filter((t) => t.group === group).map((t) => t.shape);
    if (!saved.length && optional.includes(group)) continue;
    if (JSON.stringify(saved) !== JSON.stringify(shapes))
      throw new Error(`${file}: its ${group} tensors (${saved.length}) do not have the shapes of this run's (${shapes.length})`);
  }
  const data = new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  const sizes = tensors.map((t) => t.shape.reduce((a, b) => a * b, 1));
  // Checked before any tensor is made, so that a short file leaves none behind.
  if (sizes.reduce((a, b) => a + b, 0) > data.length) throw new Error(`${file}: fewer tensor values than the header lists`);
  const groups: TensorGroups = {};
  let o = 0;
  tensors.forEach(({ group, shape }, i) => {
    (groups[group] ??= []).push(tf.tensor(data.subarray(o, o + sizes[i]), shape));
    o += sizes[i];
  });
  return { state, groups };
}

/** The wall seconds a run trained over its segments: the gaps between them (a kill, a restart) are not its. */
export function segmentSeconds(segments: CheckpointState['segments']): number {
  return segments.reduce((a, g) => a + (Date.parse(g.ended) - Date.parse(g.started)) / 1000, 0);
}

/**
 * The wall seconds the run's checkpoint has trained so far (its segments), from the header alone; 0 when there is no
 * checkpoint of this run or its header does not read (the run then starts over, so 0 is what it has).
 */
export function checkpointSeconds(runDir: string, id: string): number {
  let fd: number;
  try {
    fd = fs.openSync(checkpointFile(runDir), 'r');
  } catch {
    return 0;
  }
  try {
    const prefix = Buffer.alloc(8);
    if (fs.readSync(fd, prefix, 0, 8, 0) < 8 || prefix.toString('ascii', 0, 4) !== MAGIC) return 0;
    const head = Buffer.alloc(prefix.readUInt32LE(4));
    if (fs.readSync(fd, head, 0, head.length, 8) < head.length) return 0;
    const state = JSON.parse(head.toString('utf8')) as CheckpointState;
    if (state.id !== id) return 0;
    return segmentSeconds(state.segments);
  } catch {
    return 0;
  } finally {
    fs.closeSync(fd);
  }
}

export function clearCheckpoint(runDir: string): void {
  fs.rmSync(checkpointFile(runDir), { force: true });
}
