#!/usr/bin/env node
// The workspace's own postinstall: everything `npm ci` must leave behind.
//
//   1. The native TensorFlow binding for @tensorflow/tfjs-node (scripts/native-tf.js).
//   2. A private Python environment in .venv/ with pinned JupyterLab, nbconvert and
//      nbclient, and the tslab kernel registered into it (not into the user's Jupyter);
//      and .venv-bench/ with pinned PyTorch for the independent checks.
//   3. The compiled library in dist/, which the notebooks import.
//   4. The stderr guard that keeps TensorFlow's load-time lines off the terminal.
//   5. The git clean filter that keeps committed notebooks output-free.
//   6. Debian's packages for what a person looks at and for the end-to-end tests, where this user can
//      install them (root with apt-get); elsewhere one loud line says how: Chromium (the browser tests, the
//      figures, the PDF), poppler-utils (reading the PDF back), slurm-wlm and munge (the one-node cluster test).
//
// MAPTOKENS_INSTALL=train is the light install for nodes that only train (a cluster's compute nodes): steps 1, 3,
// 4 and 5; no Python environments, no Chromium, no Slurm (a cluster has its own).
//
// Plain CommonJS on purpose: it runs before TypeScript has compiled anything.
// Every step is idempotent, so a second `npm ci` or `npm rebuild` is fast.
// A step that cannot finish prints one loud line and the install still exits 0,
// because the workspace degrades (wasm/cpu backend, no Jupyter) rather than breaks.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
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

// PyTorch for the independent checks (test/twin.test.ts, `npm run bench -- --torch`), keyed on its pins.
function ensureTorchVenv() {
  const venv = path.join(ROOT, '.venv-bench');
  const req = path.join(__dirname, 'requirements-torch.txt');
  const py = path.join(venv, 'bin', 'python');
  const want = crypto.createHash('sha256').update(fs.readFileSync(req)).digest('hex');
  const stamp = path.join(venv, '.maptokens-requirements');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want && fs.existsSync(py)) return log('.venv-bench (torch) is up to date');
  log('creating .venv-bench with the pinned torch (a few minutes on first install)');
  fs.rmSync(venv, { recursive: true, force: true });
  run(process.env.PYTHON || 'python3', ['-m', 'venv', venv]);
  run(py, ['-m', 'pip', 'install', '-qq', '-r', req], { env: { ...process.env, PIP_RETRIES: process.env.PIP_RETRIES || '0' } });
  fs.writeFileSync(stamp, want);
}

function buildLibrary() {
  // scripts/build.js compiles into a fresh folder and swaps it in (a compiled file whose source moved away cannot
  // linger), and leaves a current dist/ alone.
  run(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { cwd: ROOT });
  log('compiled lib/ into dist/');
}

// Node has no dup2; this C file gives lib/backend/quiet.ts one (see its header).
function buildStderrGuard() {
  const src = path.join(__dirname, 'native', 'stderr_guard.c');
  const out = path.join(ROOT, 'node_modules', '.maptokens', 'stderr_guard.node');
  const include = [
    process.env.npm_config_nodedir && path.join(process.env.npm_config_nodedir, 'include', 'node'),
    path.join(path.dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
  ]
    .filter(Boolean)
    .find((d) => fs.existsSync(path.join(d, 'node_api.h')));
  if (!include) throw new Error("Node's headers (node_api.h) were not found");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  run(process.env.CC || 'cc', ['-shared', '-fPIC', '-O2', `-I${include}`, '-o', out, src], { stdio: 'pipe' });
  log(`built ${path.relative(ROOT, out)} (keeps TensorFlow's load-time lines off the terminal)`);
}

// Registered in this clone's .git/config; .gitattributes names the notebooks it applies to.
function registerNotebookFilter() {
  const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: ROOT, encoding: 'utf8' });
  if (top.status !== 0 || path.resolve(top.stdout.trim()) !== ROOT) {
    log('not a git checkout: notebook clean filter not registered');
    return;
  }
  run('git', ['config', 'filter.nbstrip.clean', 'node scripts/nbstrip.js'], { cwd: ROOT });
  // A required filter needs both directions, or every checkout of a notebook fails.
  run('git', ['config', 'filter.nbstrip.smudge', 'cat'], { cwd: ROOT });
  // A clean filter that fails must stop `git add`, not store the notebook unfiltered.
  run('git', ['config', 'filter.nbstrip.required', 'true'], { cwd: ROOT });
  log('git clean filter registered: committed notebooks stay output-free');
}

const canApt = () => process.getuid && process.getuid() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;

/** Installs Debian packages as root; `have` says whether they are there already. Throws `fix` when it cannot. */
function aptInstall(packages, have, what, fix) {
  if (have()) return log(`${what} found`);
  if (!canApt()) throw new Error(fix);
  log(`installing ${what} from Debian (apt-get install ${packages.join(' ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // The package lists may be stale or missing on a fresh machine; update once per install.
  if (!aptInstall.updated) run('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  aptInstall.updated = true;
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!have()) throw new Error(fix);
  log(`${what} installed`);
}

// Daemons live in /usr/sbin, which a non-login PATH may lack.
const onPath = (exe) =>
  spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin:/usr/local/sbin" command -v ${exe}`], { stdio: 'ignore' }).status === 0;

function ensureChromium() {
  const exe = process.env.MAPTOKENS_CHROMIUM || '/usr/bin/chromium';
  // The same line the browser tests fail with (lib/report/browser.ts, compiled above).
  let fix = `Chromium not found at ${exe}`;
  try {
    fix = require(path.join(ROOT, 'dist', 'lib', 'report', 'browser.js')).chromiumMissing(exe);
  } catch {
    /* the build failed; its own loud line says so */
  }
  // A Chromium named by MAPTOKENS_CHROMIUM is the user's own: never install over it.
  if (process.env.MAPTOKENS_CHROMIUM && !fs.existsSync(exe)) throw new Error(fix);
  aptInstall(['chromium'], () => fs.existsSync(exe), "Debian's Chromium (never a downloaded browser)", fix);
}

function ensurePoppler() {
  aptInstall(
    ['poppler-utils'],
    () => onPath('pdftotext'),
    'poppler-utils (pdftotext, for the PDF test)',
    'pdftotext not found: the PDF test reads the printed report back with it. Fix: apt-get install -y poppler-utils',
  );
}

function ensureSlurm() {
  aptInstall(
    ['slurm-wlm', 'munge'],
    () => ['slurmctld', 'slurmd', 'munged', 'sbatch'].every(onPath),
    'Slurm 22.05 and munge (for the one-node cluster test)',
    'Slurm not found: the cluster test (test/e2e/slurm.test.ts) starts a one-node Slurm on loopback. Fix: apt-get install -y slurm-wlm munge',
  );
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
  // A node that only trains needs neither Jupyter nor PyTorch nor a browser (MAPTOKENS_INSTALL=train).
  const trainOnly = process.env.MAPTOKENS_INSTALL === 'train';
  if (trainOnly) log('MAPTOKENS_INSTALL=train: the light install for training only (no .venv, .venv-bench, Chromium or Slurm)');
  else if (process.env.MAPTOKENS_INSTALL && process.env.MAPTOKENS_INSTALL !== 'full')
    problems.push(`MAPTOKENS_INSTALL must be train or full (or unset), not '${process.env.MAPTOKENS_INSTALL}'; doing the full install`);
  if (process.env.MAPTOKENS_SKIP_JUPYTER === '1' || trainOnly) {
    if (!trainOnly) log('MAPTOKENS_SKIP_JUPYTER=1: not creating .venv');
  } else {
    try {
      ensureVenv();
      ensureKernel();
    } catch (e) {
      problems.push(`Jupyter set-up failed: ${e.message}. Notebooks cannot run until it works; rerun \`npm rebuild\`.`);
    }
    try {
      ensureTorchVenv();
    } catch (e) {
      problems.push(`PyTorch set-up failed: ${e.message}. The twin test and \`npm run bench -- --torch\` need it; rerun \`npm rebuild\`.`);
    }
  }
  try {
    buildLibrary();
  } catch (e) {
    problems.push(`TypeScript build failed: ${e.message}. Run \`npm run build\` to see the errors.`);
  }
  try {
    buildStderrGuard();
  } catch (e) {
    // Cosmetic: TensorFlow's start-up lines show, nothing else changes.
    log(`stderr guard not built (${e.message}); TensorFlow's load-time lines will show`);
  }
  try {
    registerNotebookFilter();
  } catch (e) {
    problems.push(
      `registering the notebook clean filter failed: ${e.message}. Outputs saved by JupyterLab would show in git; rerun \`npm rebuild\`.`,
    );
  }
  if (process.env.MAPTOKENS_SKIP_CHROMIUM === '1' || trainOnly) {
    if (!trainOnly) log('MAPTOKENS_SKIP_CHROMIUM=1: not checking for Chromium');
  } else {
    for (const step of [ensureChromium, ensurePoppler, ensureSlurm]) {
      try {
        step();
      } catch (e) {
        problems.push(e.message);
      }
    }
  }
  for (const p of problems) loud(p);
  // Under CI a broken set-up must be red, not a warning scrolled past.
  if (problems.length && process.env.MAPTOKENS_STRICT_SETUP === '1') process.exit(1);
}

main();
