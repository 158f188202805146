// Makes @tensorflow/tfjs-node's native binding exist, online or offline.
//
// tfjs-node's own install script downloads libtensorflow 2.9.1 and a prebuilt
// addon from Google's storage. Behind a firewall that fails, and npm 11 does not
// even run it unless package.json's allowScripts approves it (we set it to false
// so that the failure cannot break `npm ci`). So the workspace does it itself:
//
//   1. binding already loads          -> nothing to do (idempotent re-runs).
//   2. the standard download path     -> tfjs-node's scripts/install.js, time-boxed.
//   3. the tensorflow-cpu wheel       -> `pip download` it (checksum-verified), take
//      libtensorflow_cc.so.2, libtensorflow_framework.so.2 and the C API headers
//      from it, and build the addon from source with node-gyp.
//
// Nothing here is committed: the wheel lives in .cache/, the build in node_modules/.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const TF_VERSION = '2.21.0';
const CACHE = path.join(ROOT, '.cache', `tensorflow-cpu-${TF_VERSION}`);

// sha256 of the wheels we have verified. pip picks the wheel matching the local
// Python; a different one is refused unless MAPTOKENS_TF_WHEEL_SHA256 vouches for it.
const KNOWN_WHEELS = {
  'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl': '2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c',
};

// Only these parts of the wheel's 13,000 headers are reached from the binding's
// two includes (tensorflow/c/c_api.h and tensorflow/c/eager/c_api.h); found with `g++ -M`.
const HEADER_PREFIXES = ['tensorflow/c/', 'tensorflow/core/platform/', 'tsl/', 'xla/tsl/'];

function pkgDir() {
  return path.dirname(require.resolve('@tensorflow/tfjs-node/package.json', { paths: [ROOT] }));
}

/** Loads the binding in a child process: a failed dlopen must not poison this one. */
function probe() {
  const code = [
    "const tf = require('@tensorflow/tfjs-node');",
    'const y = tf.matMul(tf.ones([2, 2]), tf.ones([2, 2])).dataSync();',
    "if (tf.getBackend() !== 'tensorflow' || y[0] !== 2) process.exit(3);",
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  return { ok: r.status === 0, detail: (r.stderr || '').trim().split('\n').slice(-3).join(' | ') };
}

function sha256File(file) {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 22);
  let n;
  while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  fs.closeSync(fd);
  return h.digest('hex');
}

function expectedHash(name) {
  return process.env.MAPTOKENS_TF_WHEEL_SHA256 || KNOWN_WHEELS[name];
}

function findCachedWheel() {
  if (!fs.existsSync(CACHE)) return undefined;
  for (const name of fs.readdirSync(CACHE)) {
    if (!name.endsWith('.whl')) continue;
    const file = path.join(CACHE, name);
    if (expectedHash(name) && sha256File(file) === expectedHash(name)) return file;
    fs.rmSync(file); // unverifiable or corrupt: never build from it
  }
  return undefined;
}

function downloadWheel(log) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'maptokens-wheel-'));
  try {
    log(`pip download --no-deps tensorflow-cpu==${TF_VERSION}`);
    const python = process.env.PYTHON || 'python3';
    const r = spawnSync(
      python,
      ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--quiet', '-d', tmp, `tensorflow-cpu==${TF_VERSION}`],
      { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', env: { ...process.env, PIP_RETRIES: process.env.PIP_RETRIES || '0' } },
    );
    if (r.status !== 0) throw new Error(`pip download failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    const name = fs.readdirSync(tmp).find((f) => f.endsWith('.whl'));
    if (!name) throw new Error('pip download produced no wheel');
    const want = expectedHash(name);
    const got = sha256File(path.join(tmp, name));
    if (!want) {
      throw new Error(`no known checksum for ${name} (sha256 ${got}); if you trust it, set MAPTOKENS_TF_WHEEL_SHA256=${got}`);
    }
    if (got !== want) throw new Error(`checksum mismatch for ${name}: expected ${want}, got ${got}`);
    fs.mkdirSync(CACHE, { recursive: true });
    const dest = path.join(CACHE, name);
    fs.copyFileSync(path.join(tmp, name), `${dest}.partial`);
    fs.renameSync(`${dest}.partial`, dest); // a half-copied wheel never looks complete
    return dest;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Unpacks the libraries and headers into deps/, staged then renamed into place. */
function stageDeps(wheel, deps) {
  const staging = `${deps}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const py = `
import sys, zipfile, os, shutil
wheel, out, prefixes = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
z = zipfile.ZipFile(wheel)
libs = {'tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'}
found = set()
for info in z.infolist():
    n = info.filename
    if n in libs:
        dest = os.path.join(out, 'lib', os.path.basename(n)); found.add(n)
    elif n.startswith('tensorflow/include/') and any(n[len('tensorflow/include/'):].startswith(p) for p in prefixes) and not n.endswith('/'):
        dest = os.path.join(out, 'include', n[len('tensorflow/include/'):])
    else:
        continue
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with z.open(info) as src, open(dest, 'wb') as dst:
        shutil.copyfileobj(src, dst, 1 << 22)
missing = libs - found
if missing: sys.exit('wheel lacks ' + ', '.join(sorted(missing)))
`;
  const r = spawnSync(process.env.PYTHON || 'python3', ['-c', py, wheel, staging, HEADER_PREFIXES.join(',')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`unpacking ${path.basename(wheel)} failed: ${(r.stderr || '').trim()}`);
  const lib = path.join(staging, 'lib');
  // binding.gyp links -ltensorflow -ltensorflow_framework; the linker records the
  // sonames (libtensorflow_cc.so.2 ...), which the addon's rpath finds in deps/lib.
  fs.symlinkSync('libtensorflow_cc.so.2', path.join(lib, 'libtensorflow.so'));
  fs.symlinkSync('libtensorflow_framework.so.2', path.join(lib, 'libtensorflow_framework.so'));
  fs.rmSync(deps, { recursive: true, force: true });
  fs.renameSync(staging, deps);
}

function nodeGypPath() {
  if (process.env.npm_config_node_gyp && fs.existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const candidates = [
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js', { paths: [ROOT] }));
  } catch {
    /* not installed locally; npm's bundled copy is the usual one */
  }
  const hit = candidates.find((c) => fs.existsSync(c));
  if (!hit) throw new Error('node-gyp not found (it ships with npm; set npm_config_node_gyp to its node-gyp.js)');
  return hit;
}

function buildAddon(pkg, log) {
  const preGyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: [pkg] });
  const args = [preGyp, 'rebuild', '--build-from-source'];
  // Without a nodedir node-gyp downloads Node's headers; use the local ones when present.
  const nodedir = process.env.npm_config_nodedir || (fs.existsSync('/usr/include/node/node.h') ? '/usr' : undefined);
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  log('building tfjs_binding.node from source with node-gyp');
  const r = spawnSync(process.execPath, args, {
    cwd: pkg,
    encoding: 'utf8',
    env: { ...process.env, npm_config_node_gyp: nodeGypPath(), JOBS: String(os.cpus().length) },
  });
  if (r.status !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`node-gyp build failed:\n${tail}`);
  }
}

function tryStandardPath(pkg, log) {
  if (process.env.MAPTOKENS_NO_TFJS_DOWNLOAD === '1') return false;
  log("trying tfjs-node's standard download (libtensorflow + prebuilt addon)");
  const r = spawnSync(process.execPath, ['scripts/install.js'], {
    cwd: pkg,
    encoding: 'utf8',
    timeout: 180_000, // a firewall that drops packets would otherwise hang the install
  });
  const ok = r.status === 0 && probe().ok;
  if (!ok) log('standard download path failed (offline?); falling back to the tensorflow-cpu wheel');
  return ok;
}

/**
 * Ensures `require('@tensorflow/tfjs-node')` works. Throws with the reason when
 * neither path can provide it.
 */
function ensureNativeTensorFlow({ log = console.log } = {}) {
  if (probe().ok) return { how: 'already built' };
  const pkg = pkgDir();
  if (tryStandardPath(pkg, log)) return { how: 'standard download' };
  const wheel = findCachedWheel() || downloadWheel(log);
  log(`using ${path.relative(ROOT, wheel)} (sha256 verified)`);
  stageDeps(wheel, path.join(pkg, 'deps'));
  buildAddon(pkg, log);
  const p = probe();
  if (!p.ok) throw new Error(`the addon built but does not load: ${p.detail}`);
  return { how: `built from the tensorflow-cpu ${TF_VERSION} wheel` };
}

module.exports = { ensureNativeTensorFlow, probe, KNOWN_WHEELS, TF_VERSION };
