#!/usr/bin/env node
// The workspace's own postinstall: everything `npm ci` must leave behind.
//
//   1. The native TensorFlow binding for @tensorflow/tfjs-node (scripts/native-tf.js).
//   2. A private Python environment in .venv/ with pinned JupyterLab, nbconvert and
//      nbclient, and the tslab kernel registered into it (not into the user's Jupyter).
//   3. The compiled library in dist/, which the notebooks import.
//
// Plain CommonJS on purpose: it runs before TypeScript has compiled anything.
// Every step is idempotent, so a second `npm ci` or `npm rebuild` is fast.
// A step that cannot finish prints one loud line and the install still exits 0,
// because the workspace degrades (wasm/cpu backend, no Jupyter) rather than breaks.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');
const { ensureNativeTensorFlow } = require('./native-tf');

const ROOT = path.resolve(__dirname, '..');
const VENV = path.join(ROOT, '.venv');
const REQUIREMENTS = path.join(__dirname, 'requirements.txt');

function log(msg) {
  console.log(`[maptokens setup] ${msg}`);
}

function loud(msg) {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n[maptokens setup] ${msg}\n${bar}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function venvPython() {
  return path.join(VENV, 'bin', 'python');
}

// The venv is keyed on the requirements file: editing a pin rebuilds it.
function ensureVenv() {
  const want = crypto.createHash('sha256').update(fs.readFileSync(REQUIREMENTS)).digest('hex');
  const stamp = path.join(VENV, '.maptokens-requirements');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want && fs.existsSync(venvPython())) {
    log('.venv is up to date');
    return;
  }
  log('creating .venv with pinned JupyterLab, nbconvert and nbclient');
  fs.rmSync(VENV, { recursive: true, force: true });
  run(process.env.PYTHON || 'python3', ['-m', 'venv', VENV]);
  // PIP_RETRIES=0: on a machine without internet the default index is unreachable,
  // and pip would otherwise retry it for every single package.
  run(venvPython(), ['-m', 'pip', 'install', '-qq', '-r', REQUIREMENTS], {
    env: { ...process.env, PIP_RETRIES: process.env.PIP_RETRIES || '0' },
  });
  fs.writeFileSync(stamp, want);
}

// tslab writes a kernelspec whose argv names the binary; we give it the absolute
// path of this checkout's tslab so the kernel never depends on a global install.
function ensureKernel() {
  const tslab = path.join(ROOT, 'node_modules', '.bin', 'tslab');
  run(tslab, ['install', `--python=${venvPython()}`, '--sys-prefix', `--binary=${tslab}`], { stdio: 'pipe' });
  const spec = path.join(VENV, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
  if (!fs.existsSync(spec)) throw new Error(`tslab install did not write ${spec}`);
  log(`tslab kernel registered in ${path.relative(ROOT, spec)}`);
}

function buildLibrary() {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.json')], { cwd: ROOT });
  log('compiled lib/ into dist/');
}

function main() {
  const problems = [];
  try {
    const r = ensureNativeTensorFlow({ log });
    log(`native TensorFlow backend ready (${r.how})`);
  } catch (e) {
    problems.push(
      `native TensorFlow backend NOT available: ${e.message}. ` +
        'The workspace will fall back to the wasm or cpu backend, which is many times slower. ' +
        'Fix: make `pip download --no-deps tensorflow-cpu==2.21.0` work (or allow the tfjs-node download), then run `npm rebuild`.',
    );
  }
  if (process.env.MAPTOKENS_SKIP_JUPYTER === '1') {
    log('MAPTOKENS_SKIP_JUPYTER=1: not creating .venv');
  } else {
    try {
      ensureVenv();
      ensureKernel();
    } catch (e) {
      problems.push(`Jupyter set-up failed: ${e.message}. Notebooks cannot run until it works; rerun \`npm rebuild\`.`);
    }
  }
  try {
    buildLibrary();
  } catch (e) {
    problems.push(`TypeScript build failed: ${e.message}. Run \`npm run build\` to see the errors.`);
  }
  for (const p of problems) loud(p);
  // Under CI a broken set-up must be red, not a warning scrolled past.
  if (problems.length && process.env.MAPTOKENS_STRICT_SETUP === '1') process.exit(1);
}

main();
