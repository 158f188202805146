/**
 * Loads native TensorFlow without its start-up lines.
 *
 * TensorFlow 2.21 prints `WARNING: All log messages before absl::InitializeLog()…`,
 * a oneDNN notice and a CPU-feature notice while its library loads, straight to
 * file descriptor 2, in every process (each engine worker too), whatever
 * TF_CPP_MIN_LOG_LEVEL says. On a terminal they break the progress display. The
 * stderr guard (scripts/native/stderr_guard.c, built by `npm ci`) points fd 2 at
 * /dev/null around that one require. Errors still surface: a failed load throws.
 * MAPTOKENS_TF_LOGS=1 keeps the lines, for debugging the native library.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../util/paths';

/** Where scripts/setup.js puts the compiled guard (installation state, like node_modules). */
export const STDERR_GUARD = path.join(ROOT, 'node_modules', '.maptokens', 'stderr_guard.node');

interface Guard {
  silence(): void;
  restore(): void;
}

function guard(): Guard | undefined {
  if (process.env.MAPTOKENS_TF_LOGS === '1' || !fs.existsSync(STDERR_GUARD)) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require(STDERR_GUARD) as Guard;
  } catch {
    return undefined;
  }
}

/** Runs `load` (a require that loads libtensorflow) with fd 2 silenced. */
export function quietNativeLoad<T>(load: () => T): T {
  // TensorFlow's own filter, for the lines it does route through it (later kernels' notices).
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const g = guard();
  g?.silence();
  try {
    return load();
  } finally {
    g?.restore();
  }
}
