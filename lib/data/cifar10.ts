/**
 * CIFAR-10 (Krizhevsky 2009), binary version: six files of fixed 3,073-byte
 * records (1 label byte, then 1,024 red, 1,024 green and 1,024 blue bytes of a
 * 32×32 image, each plane row-major).
 *
 * It is the one dataset that needs a download: `downloadCifar10` fetches the
 * archive into data/cifar10/, verifies its SHA-256 (and size) against the values
 * published for the official archive, and extracts the batches into a staging
 * folder that is renamed into place only when complete. A partial download is a
 * *.partial file that is never read as data. Offline, with the files already in
 * data/, everything works; without them, loading throws Cifar10Missing, which the
 * suites turn into one "skipped" line.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DataError, type Dataset, type Split } from './types';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
/** Published for the official archive (170,052,171 bytes; MD5 c32a1d4ab5d03f1284b67883e8d87530). */
export const CIFAR10_SHA256 = 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd';
const RECORD = 1 + 32 * 32 * 3;
const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILE = 'test_batch.bin';
const BATCH_DIR = 'cifar-10-batches-bin';

export class Cifar10Missing extends Error {
  constructor(readonly dir: string) {
    super(`CIFAR-10 is not in ${dir} and cannot be loaded offline; fetch it once where a network exists with \`npm run data -- cifar10\``);
    this.name = 'Cifar10Missing';
  }
}

export function cifarDir(dataDir: string): string {
  return path.join(dataDir, 'cifar10', BATCH_DIR);
}

/** Parses one batch file: N records -> uint8 [N, 32, 32, 3] images (HWC) and N labels. */
export function parseCifarBatch(buf: Uint8Array, file: string): Split {
  if (buf.length === 0 || buf.length % RECORD !== 0) {
    throw new DataError(file, `truncated or not a CIFAR-10 batch: ${buf.length} bytes is not a whole number of ${RECORD}-byte records`);
  }
  const n = buf.length / RECORD;
  const images = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const o = r * RECORD;
    const label = buf[o];
    if (label > 9) throw new DataError(file, `record ${r} has label ${label}, not a class 0..9`);
    labels[r] = label;
    for (let p = 0; p < 1024; p++) for (let ch = 0; ch < 3; ch++) images[r * 3072 + p * 3 + ch] = buf[o + 1 + ch * 1024 + p]; // CHW planes -> HWC
  }
  return { images, labels, n };
}

function concatSplits(parts: Split[]): Split {
  const n = parts.reduce((a, s) => a + s.n, 0);
  const images = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  let o = 0;
  for (const s of parts) {
    images.set(s.images, o * 3072);
    labels.set(s.labels, o);
    o += s.n;
  }
  return { images, labels, n };
}

/** Loads the six batch files from <dataDir>/cifar10/cifar-10-batches-bin (or `dir`). */
export function loadCifar10(opts: { dataDir: string; dir?: string }): Dataset {
  const dir = opts.dir ?? cifarDir(opts.dataDir);
  if (!fs.existsSync(path.join(dir, TEST_FILE))) throw new Cifar10Missing(dir);
  const read = (f: string): Split => {
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) throw new DataError(file, 'missing (the CIFAR-10 folder is incomplete)');
    return parseCifarBatch(fs.readFileSync(file), file);
  };
  const train = concatSplits(TRAIN_FILES.map(read));
  const test = read(TEST_FILE);
  return {
    meta: {
      name: 'cifar10',
      shape: [32, 32, 3],
      numClasses: 10,
      classNames: CIFAR10_CLASSES,
      splitSizes: { train: train.n, test: test.n },
      source: `CIFAR-10 binary version in ${path.relative(process.cwd(), dir) || dir}`,
      flipSafe: true,
      notes: ['official train/test split'],
    },
    train,
    test,
  };
}

export function sha256File(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 22);
  let n: number;
  while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  fs.closeSync(fd);
  return h.digest('hex');
}

/** Reads the regular files of a (gzipped) ustar archive; names only, no paths are created from it. */
export function readTarGz(file: string): Map<string, Buffer> {
  let tar: Buffer;
  try {
    tar = zlib.gunzipSync(fs.readFileSync(file));
  } catch (e) {
    throw new DataError(file, `not a valid gzip archive (${(e as Error).message})`);
  }
  const out = new Map<string, Buffer>();
  let o = 0;
  while (o + 512 <= tar.length) {
    const header = tar.subarray(o, o + 512);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const name = header.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
    const prefix = header.subarray(345, 500).toString('latin1').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 0x30);
    if (!Number.isFinite(size) || o + 512 + size > tar.length) throw new DataError(file, `truncated archive at member '${name}'`);
    if (type === '0' || type === '\0') out.set(prefix ? `${prefix}/${name}` : name, tar.subarray(o + 512, o + 512 + size));
    o += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

export interface DownloadOptions {
  dataDir: string;
  url?: string;
  /** Expected SHA-256 of the archive; the official one by default. */
  sha256?: string;
  log?: (msg: string) => void;
}

/**
 * Downloads, verifies and extracts CIFAR-10 into <dataDir>/cifar10/. Idempotent:
 * returns at once when the batches are already there. Nothing incomplete is ever
 * left under the final names.
 */
export async function downloadCifar10(opts: DownloadOptions): Promise<string> {
  const dest = cifarDir(opts.dataDir);
  if (fs.existsSync(path.join(dest, TEST_FILE))) return dest;
  const root = path.join(opts.dataDir, 'cifar10');
  // A failed first download leaves nothing behind: not even the empty folder, which
  // would otherwise read as "CIFAR-10 is here, but broken".
  const created = !fs.existsSync(root);
  try {
    return await fetchAndExtract(opts, root, dest);
  } catch (e) {
    if (created) fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

async function fetchAndExtract(opts: DownloadOptions, root: string, dest: string): Promise<string> {
  const log = opts.log ?? ((m: string) => console.error(m));
  fs.mkdirSync(root, { recursive: true });
  const archive = path.join(root, 'cifar-10-binary.tar.gz');
  const partial = `${archive}.partial`;
  if (!fs.existsSync(archive)) {
    // MAPTOKENS_CIFAR10_URL: a mirror, or (tests) a local address, so no test ever reaches outside.
    const url = opts.url ?? process.env.MAPTOKENS_CIFAR10_URL ?? CIFAR10_URL;
    log(`downloading ${url}`);
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new Error(`cannot download CIFAR-10 from ${url}: ${(e as Error).message} (offline? put the files in ${root} by hand)`);
    }
    if (!res.ok || !res.body) throw new Error(`cannot download CIFAR-10 from ${url}: HTTP ${res.status}`);
    const total = Number(res.headers.get('content-length') ?? 0);
    const fd = fs.openSync(partial, 'w');
    let got = 0;
    let lastPct = -10;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        fs.writeSync(fd, chunk);
        got += chunk.length;
        const pct = total ? Math.floor((100 * got) / total) : 0;
        if (total && pct >= lastPct + 10) {
          log(`  ${pct}% of ${(total / 1e6).toFixed(0)} MB`);
          lastPct = pct;
        }
      }
      fs.fsyncSync(fd);
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(partial, { force: true });
      throw new Error(`CIFAR-10 download from ${url} broke off after ${got} bytes: ${(e as Error).message}`);
    }
    fs.closeSync(fd);
    if (total && got !== total) {
      fs.rmSync(partial, { force: true });
      throw new DataError(partial, `download incomplete: ${got} of ${total} bytes`);
    }
    verifySha256(partial, opts.sha256 ?? CIFAR10_SHA256, () => fs.rmSync(partial, { force: true }));
    fs.renameSync(partial, archive);
  } else {
    verifySha256(archive, opts.sha256 ?? CIFAR10_SHA256);
  }
  const members = readTarGz(archive);
  const staging = path.join(root, `.staging-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging);
  for (const f of [...TRAIN_FILES, TEST_FILE, 'batches.meta.txt']) {
    const data = members.get(`${BATCH_DIR}/${f}`);
    if (!data) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw new DataError(archive, `archive has no ${BATCH_DIR}/${f}`);
    }
    if (f.endsWith('.bin')) parseCifarBatch(data, `${archive}:${f}`); // validate before it is placed
    fs.writeFileSync(path.join(staging, f), data);
  }
  fs.renameSync(staging, dest);
  log(`CIFAR-10 ready in ${dest}`);
  return dest;
}

/** Throws a DataError naming the file when its SHA-256 is not `expected`; `onFail` runs first. */
export function verifySha256(file: string, expected: string, onFail?: () => void): void {
  const got = sha256File(file);
  if (got !== expected.toLowerCase()) {
    onFail?.();
    throw new DataError(file, `checksum mismatch: SHA-256 ${got}, expected ${expected}`);
  }
}
