/**
 * Your own images: data/<name>/<class>/*.png|jpg (the ImageFolder convention).
 *
 * Images are decoded with tfjs-node, resized (bilinear) to the configured size and
 * cached as one tensor file beside the folder (data/<name>.cache.bin). The cache
 * is keyed on every file's path, size and modification time and on the options,
 * so adding, removing or editing an image rebuilds it. An unreadable image is
 * reported by path and skipped. The train/test split is seeded and stratified.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { decodeImage } from '../backend';
import { readDatasetCache, writeDatasetCache } from './cache';
import { Rng } from '../util/rng';
import { DataError, type Dataset, type Split } from './types';

export interface FolderOptions {
  /** The folder that holds <name>/. */
  dataDir: string;
  name: string;
  /** [H, W] every image is resized to. */
  size?: [number, number];
  /** 1 = grayscale, 3 = RGB. */
  channels?: 1 | 3;
  /** Fraction of each class held out as test. */
  testFraction?: number;
  seed?: number;
  log?: (msg: string) => void;
}

export interface SkippedImage {
  path: string;
  reason: string;
}

const EXT = /\.(png|jpe?g)$/i;

interface Listing {
  classes: string[];
  files: { rel: string; label: number; size: number; mtimeMs: number }[];
}

function list(root: string): Listing {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory())
    throw new DataError(root, 'no such folder (expected <name>/<class>/*.png|jpg)');
  const classes = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  if (classes.length < 2) throw new DataError(root, `needs at least two class folders, found ${classes.length}`);
  const files: Listing['files'] = [];
  classes.forEach((c, label) => {
    for (const f of fs
      .readdirSync(path.join(root, c))
      .filter((f) => EXT.test(f))
      .sort()) {
      const st = fs.statSync(path.join(root, c, f));
      files.push({ rel: `${c}/${f}`, label, size: st.size, mtimeMs: st.mtimeMs });
    }
  });
  return { classes, files };
}

function stratifiedSplit(labels: number[], numClasses: number, testFraction: number, seed: number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const idx = new Rng(seed * 1000 + c).shuffle(labels.flatMap((l, i) => (l === c ? [i] : [])));
    const nTest = idx.length >= 2 ? Math.max(1, Math.round(idx.length * testFraction)) : 0;
    test.push(...idx.slice(0, nTest));
    train.push(...idx.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

function gather(pixels: Uint8Array[], labels: number[], idx: number[], per: number): Split {
  const images = new Uint8Array(idx.length * per);
  idx.forEach((i, j) => images.set(pixels[i], j * per));
  return { images, labels: Uint8Array.from(idx.map((i) => labels[i])), n: idx.length };
}

export function cachePath(o: Pick<FolderOptions, 'dataDir' | 'name'>): string {
  return path.join(o.dataDir, `${o.name}.cache.bin`);
}

export function loadFolderDataset(opts: FolderOptions): Dataset & { skipped: SkippedImage[]; fromCache: boolean } {
  const o = {
    size: [32, 32] as [number, number],
    channels: 3 as 1 | 3,
    testFraction: 0.2,
    seed: 0,
    log: (m: string) => console.error(m),
    ...opts,
  };
  if (!(o.testFraction > 0 && o.testFraction < 1)) throw new Error(`testFraction must be in (0, 1); got ${o.testFraction}`);
  const root = path.join(o.dataDir, o.name);
  const listing = list(root);
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify({ v: 1, files: listing.files, size: o.size, channels: o.channels, testFraction: o.testFraction, seed: o.seed }))
    .digest('hex');
  const cache = cachePath(o);
  const cached = readDatasetCache<SkippedImage[]>(cache, key);
  if (cached) return { meta: cached.meta, train: cached.train, test: cached.test, skipped: cached.extra, fromCache: true };

  const [h, w] = o.size;
  const per = h * w * o.channels;
  const pixels: Uint8Array[] = [];
  const labels: number[] = [];
  const skipped: SkippedImage[] = [];
  for (const f of listing.files) {
    const file = path.join(root, f.rel);
    try {
      const px = tf.tidy(() => {
        const img = decodeImage(fs.readFileSync(file), o.channels); // [h0, w0, ch]
        return tf.image.resizeBilinear(img.toFloat(), [h, w]).round().clipByValue(0, 255).dataSync(); // -> [H, W, ch]
      });
      pixels.push(Uint8Array.from(px));
      labels.push(f.label);
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0];
      skipped.push({ path: file, reason });
      o.log(`skipping unreadable image ${file}: ${reason}`);
    }
  }
  if (pixels.length === 0) throw new DataError(root, 'no readable images');
  const split = stratifiedSplit(labels, listing.classes.length, o.testFraction, o.seed);
  const ds: Dataset = {
    meta: {
      name: `folder:${o.name}`,
      shape: [h, w, o.channels],
      numClasses: listing.classes.length,
      classNames: listing.classes,
      splitSizes: { train: split.train.length, test: split.test.length },
      source: `image folder data/${o.name} (${listing.files.length} files)`,
      flipSafe: false, // unknown for arbitrary classes: no flips unless the user says so
      notes: [
        `seeded stratified split (seed ${o.seed}, test fraction ${o.testFraction})`,
        `skipped ${skipped.length} unreadable images${skipped.length ? `: ${skipped.map((s) => path.relative(o.dataDir, s.path)).join(', ')}` : ''}`,
      ],
    },
    train: gather(pixels, labels, split.train, per),
    test: gather(pixels, labels, split.test, per),
  };
  writeDatasetCache(cache, key, ds, skipped);
  return { ...ds, skipped, fromCache: false };
}
