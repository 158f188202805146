/**
 * The one module that chooses and loads a TensorFlow.js backend.
 *
 * Everything else in lib/ uses the backend-neutral `@tensorflow/tfjs` API; only
 * this file knows that tfjs-node (native TensorFlow), tfjs-backend-wasm and the
 * pure-JS cpu backend exist. Order of preference: tensorflow, wasm, cpu.
 * `MAPTOKENS_BACKEND=tensorflow|wasm|cpu` forces one, and then failing to load it
 * is an error rather than a silent fallback, so a forced run never measures the
 * wrong thing.
 *
 * The returned report is embedded in every result record: a number is only
 * meaningful next to the backend, versions and threads that produced it.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { quietNativeLoad } from './quiet';
import { allocatedCpus, underSlurm } from '../util/cpus';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendReport {
  /** The backend tfjs is running on now. */
  backend: BackendName;
  /** tfjs-core version. */
  tfjs: string;
  /** Native TensorFlow C library version (tensorflow backend only). */
  tensorflow: string | null;
  /** TensorFlow's intra-op pool size (ops split across these threads). */
  intraOpThreads: number | null;
  /** TensorFlow's inter-op pool size (independent ops run concurrently). */
  interOpThreads: number | null;
  /** wasm backend threads (1 without SharedArrayBuffer workers). */
  wasmThreads: number | null;
  cpuModel: string;
  /** The machine's logical CPUs. */
  cpuCount: number;
  /** The CPUs this process may use (affinity, SLURM_CPUS_PER_TASK, cgroup quota; lib/util/cpus.ts); absent on records made before it was kept. */
  cpuAllocated?: number;
  node: string;
  platform: string;
  /** Why a preferred backend was skipped; empty when the first choice loaded. */
  fallbacks: string[];
}

let loaded: BackendReport | undefined;

function envThreads(name: string): number | null {
  const v = process.env[name];
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

async function loadTensorflow(): Promise<string> {
  // tfjs-node registers the 'tensorflow' backend on the shared tfjs-core on require.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  quietNativeLoad(() => require('@tensorflow/tfjs-node'));
  if (!(await tf.setBackend('tensorflow'))) throw new Error("tf.setBackend('tensorflow') returned false");
  const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
  return String(binding?.TF_Version ?? 'unknown');
}

async function loadWasm(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  // The .wasm files ship inside the npm package; never fetch them from a CDN.
  wasm.setWasmPaths(path.join(dir, 'dist') + path.sep);
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
}

async function loadCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') returned false");
}

function parseForced(): BackendName | undefined {
  const v = process.env.MAPTOKENS_BACKEND;
  if (v === undefined || v === '') return undefined;
  if (!(BACKENDS as readonly string[]).includes(v)) {
    throw new Error(`MAPTOKENS_BACKEND must be one of ${BACKENDS.join(', ')}; got '${v}'`);
  }
  return v as BackendName;
}

/**
 * Loads the best available backend once and returns its report. Later calls
 * return the same report. Throws when MAPTOKENS_BACKEND (or `force`) names a
 * backend that cannot load.
 */
export async function initBackend(opts: { force?: BackendName; quiet?: boolean } = {}): Promise<BackendReport> {
  const forced = opts.force ?? parseForced();
  if (loaded && (!forced || loaded.backend === forced)) return loaded;
  const order = forced ? [forced] : BACKENDS;
  const fallbacks: string[] = [];
  let tfVersion: string | null = null;
  let chosen: BackendName | undefined;
  for (const name of order) {
    try {
      if (name === 'tensorflow') tfVersion = await loadTensorflow();
      else if (name === 'wasm') await loadWasm();
      else await loadCpu();
      chosen = name;
      break;
    } catch (e) {
      const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
      if (forced) throw new Error(`MAPTOKENS_BACKEND=${forced} was requested but it failed to load: ${msg}`);
      fallbacks.push(`${name}: ${msg}`);
    }
  }
  if (!chosen) throw new Error(`no TensorFlow.js backend could load:\n  ${fallbacks.join('\n  ')}`);
  // On a cluster a slow fallback would burn an allocation for hours: a node without native TensorFlow stops here.
  if (chosen !== 'tensorflow' && underSlurm() && !forced)
    throw new Error(
      `under Slurm the native TensorFlow backend is required, and it did not load on ${os.hostname()} (${fallbacks[0] ?? chosen}); fix the install this node uses (npm rebuild), or set MAPTOKENS_BACKEND to run on '${chosen}' anyway`,
    );
  if (fallbacks.length && !opts.quiet) {
    console.error(
      `!!! maptokens: running on the '${chosen}' backend, not native TensorFlow (${fallbacks[0]}). ` +
        'Training will be much slower. Fix: run `npm rebuild` (see README, "Native backend").',
    );
  }
  const cpus = os.cpus();
  loaded = {
    backend: chosen,
    tfjs: tf.version_core,
    tensorflow: chosen === 'tensorflow' ? tfVersion : null,
    // Unset, TensorFlow sizes its pools from the CPUs this process may use (its affinity mask), not the machine's.
    intraOpThreads: chosen === 'tensorflow' ? (envThreads('TF_NUM_INTRAOP_THREADS') ?? allocatedCpus()) : null,
    interOpThreads: chosen === 'tensorflow' ? (envThreads('TF_NUM_INTEROP_THREADS') ?? allocatedCpus()) : null,
    wasmThreads: chosen === 'wasm' ? wasmThreadCount() : null,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    cpuAllocated: allocatedCpus(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    fallbacks,
  };
  return loaded;
}

function wasmThreadCount(): number {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('@tensorflow/tfjs-backend-wasm').getThreadsCount();
  } catch {
    return 1;
  }
}

/** The report of the loaded backend; throws if initBackend() has not run. */
export function backendReport(): BackendReport {
  if (!loaded) throw new Error('initBackend() has not been called yet');
  return loaded;
}

/** One line for logs and notebook headers. */
export function describeBackend(r: BackendReport): string {
  const tfv = r.tensorflow ? ` TensorFlow ${r.tensorflow},` : '';
  const threads = r.intraOpThreads !== null ? ` intra-op ${r.intraOpThreads} / inter-op ${r.interOpThreads} threads,` : '';
  return `${r.backend} (tfjs ${r.tfjs},${tfv}${threads} ${r.cpuCount}× ${r.cpuModel})`;
}

export { tf };

/**
 * Decodes a PNG, JPEG, BMP or GIF file's bytes with native TensorFlow (tfjs-node).
 * Returns uint8 [H, W, channels]. Only the tensorflow backend can decode; on the
 * others this throws with the reason, since folder datasets need it once (their
 * decoded pixels are cached).
 */
export function decodeImage(bytes: Uint8Array, channels: 1 | 3): tf.Tensor3D {
  if (loaded?.backend !== 'tensorflow') {
    throw new Error(`decoding images needs the native tensorflow backend (now: ${loaded?.backend ?? 'none loaded'}); run \`npm rebuild\``);
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const node = require('@tensorflow/tfjs-node');
  return node.node.decodeImage(bytes, channels, 'int32', false) as tf.Tensor3D;
}
