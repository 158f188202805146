/**
 * Data: real MNIST and Fashion-MNIST, CIFAR-10's parser and download on generated
 * files, the diagnostic tasks' properties, folder datasets, bad input, and a
 * leak-free pipeline.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { assertNoLeak, backend, tf } from './helpers/tf';
import {
  appearanceTask,
  batches,
  COOCCURRENCE_PAIRS,
  cooccurrenceLayout,
  cooccurrenceTask,
  STROKES,
  strokeDistance,
  clearDatasetMemo,
  DataError,
  downloadCifar10,
  fashionPackageDir,
  forEachBatch,
  holdout,
  loadCifar10,
  loadDataset,
  loadDatasetOrSkip,
  loadFashionJson,
  loadFolderDataset,
  loadMnist,
  mnistPackageDir,
  readIdxPair,
  relationAtDistance,
  RELATION_DISTANCES,
  relationOf,
  relationPositionBaseline,
  relationTask,
  sha256File,
  type Split,
  stratifiedSubset,
  verifySha256,
} from '../lib/data';
import { encodePng } from '../lib/notebook/png';
import { Rng } from '../lib/util/rng';
import { tempDir } from './helpers/tmp';

function counts(labels: Uint8Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const l of labels) c[l]++;
  return c;
}

test('MNIST from the original IDX files: counts, shape, first label 5', () => {
  const ds = loadMnist();
  assert.deepEqual(ds.meta.splitSizes, { train: 60000, test: 10000 });
  assert.deepEqual(ds.meta.shape, [28, 28, 1]);
  assert.equal(ds.train.labels[0], 5);
  assert.equal(ds.test.labels[0], 7);
  assert.equal(ds.train.images.length, 60000 * 784);
  // The first training image is a 5 drawn in the middle: its centre row has ink, the corner none.
  assert.equal(ds.train.images[0], 0);
  assert.ok(ds.train.images.subarray(14 * 28, 15 * 28).some((v) => v > 200));
});

test('Fashion-MNIST JSON: malformed records skipped and reported, 6,000/1,000 per class', () => {
  const ds = loadFashionJson(fashionPackageDir());
  assert.equal(ds.skipped.length, 2);
  assert.deepEqual(
    ds.skipped.map((s) => `${path.basename(s.file)}#${s.index}`),
    ['0.json#1000', '0.json#7001'],
  );
  assert.match(ds.meta.notes.join(' '), /skipped 2 malformed records \(0\.json#1000, 0\.json#7001\)/);
  assert.equal(ds.train.n + ds.test.n, 70000);
  assert.deepEqual(counts(ds.train.labels, 10), new Array(10).fill(6000));
  assert.deepEqual(counts(ds.test.labels, 10), new Array(10).fill(1000));
  // No skipped record slipped in as an all-zero image.
  for (let i = 0; i < 100; i++) assert.ok(ds.train.images.subarray(i * 784, (i + 1) * 784).some((v) => v > 0));
});

test('bad IDX input: truncated, wrong magic, wrong type, counts that disagree', () => {
  const dir = tempDir('data');
  const src = mnistPackageDir();
  const labels = fs.readFileSync(path.join(src, 't10k-labels-idx1-ubyte'));
  const images = path.join(src, 't10k-images-idx3-ubyte');
  const put = (name: string, buf: Uint8Array): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, buf);
    return f;
  };
  const truncated = put('truncated', labels.subarray(0, labels.length - 100));
  assert.throws(
    () => readIdxPair(images, truncated),
    (e: Error) => e instanceof DataError && /truncated.*truncated: dimensions 10000 need 10000 data bytes, file has 9900/.test(e.message),
  );
  const magic = Buffer.from(labels);
  magic[0] = 0x12;
  assert.throws(() => readIdxPair(images, put('magic', magic)), /magic: wrong magic number 0x12000801/);
  const type = Buffer.from(labels);
  type[2] = 0x0d;
  assert.throws(() => readIdxPair(images, put('type', type)), /type: IDX data type 0xd is not unsigned byte/);
  // A valid labels file with 9,999 labels next to 10,000 images.
  const short = Buffer.concat([Buffer.from([0, 0, 8, 1, 0, 0, 0x27, 0x0f]), labels.subarray(8, 8 + 9999)]);
  assert.throws(() => readIdxPair(images, put('short', short)), /t10k-images-idx3-ubyte: 10000 images but .*short has 9999 labels/);
  assert.throws(() => readIdxPair(images, path.join(dir, 'missing')), /missing: cannot read \(ENOENT\)/);
});

test('bad Fashion-MNIST JSON: a record of the wrong length names file and record', () => {
  const dir = tempDir('data');
  fs.writeFileSync(path.join(dir, '0.json'), JSON.stringify({ data: [new Array(784).fill(0), new Array(783).fill(0)] }));
  assert.throws(() => loadFashionJson(dir), /0\.json: record 1 has 783 values, expected 784/);
  fs.writeFileSync(path.join(dir, '0.json'), '{"data": [[1, 2,');
  assert.throws(() => loadFashionJson(dir), /0\.json: not valid JSON/);
});

/** Writes CIFAR-10 batch files with n records each; pixel values encode (record, channel, position). */
function writeCifar(dir: string, n: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const files = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
  files.forEach((f, fi) => {
    const buf = Buffer.alloc(n * 3073);
    for (let r = 0; r < n; r++) {
      buf[r * 3073] = (fi + r) % 10;
      for (let ch = 0; ch < 3; ch++) for (let p = 0; p < 1024; p++) buf[r * 3073 + 1 + ch * 1024 + p] = (ch * 80 + p + r) % 256;
    }
    fs.writeFileSync(path.join(dir, f), buf);
  });
  fs.writeFileSync(path.join(dir, 'batches.meta.txt'), 'airplane\nautomobile\n');
}

test('CIFAR-10 binary parser on generated batches: counts, labels, CHW -> HWC', () => {
  const dir = path.join(tempDir('data'), 'cifar-10-batches-bin');
  writeCifar(dir, 3);
  const ds = loadCifar10({ dataDir: '/nonexistent', dir });
  assert.deepEqual(ds.meta.splitSizes, { train: 15, test: 3 });
  assert.deepEqual([...ds.train.labels.subarray(0, 4)], [0, 1, 2, 1]);
  // Record 1 of batch 1, pixel p = 5, channel 2 (blue): value (2·80 + 5 + 1) % 256.
  assert.equal(ds.train.images[1 * 3072 + 5 * 3 + 2], 166);
  fs.truncateSync(path.join(dir, 'test_batch.bin'), 3073 * 3 - 10);
  assert.throws(() => loadCifar10({ dataDir: '/nonexistent', dir }), /test_batch\.bin: truncated or not a CIFAR-10 batch: 9209 bytes/);
});

test('CIFAR-10 absent offline: loading by name skips with one clear line', () => {
  const lines: string[] = [];
  const ds = loadDatasetOrSkip('cifar10', { dataDir: tempDir('data') }, (l) => lines.push(l));
  assert.equal(ds, undefined);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /skipped cifar10: CIFAR-10 is not in .*`npm run data -- cifar10`/);
});

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/cifar-10-binary.tar.gz`, close: () => new Promise((r) => server.close(() => r())) };
}

test('CIFAR-10 download: checksum verified, extracted atomically; a broken or wrong download leaves nothing', async () => {
  const work = tempDir('data');
  writeCifar(path.join(work, 'cifar-10-batches-bin'), 2);
  const archive = path.join(work, 'archive.tar.gz');
  execFileSync('tar', ['czf', archive, '-C', work, 'cifar-10-batches-bin']);
  const bytes = fs.readFileSync(archive);
  const sha = sha256File(archive);
  let mode: 'ok' | 'truncated' = 'ok';
  const srv = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': String(bytes.length) });
    if (mode === 'ok') res.end(bytes);
    else {
      res.write(bytes.subarray(0, 100));
      setTimeout(() => res.destroy(), 20);
    }
  });
  const quiet = (): void => undefined;
  try {
    // Wrong checksum: refused, and no archive or batches are left behind.
    const d1 = tempDir('data');
    await assert.rejects(
      downloadCifar10({ dataDir: d1, url: srv.url, sha256: '0'.repeat(64), log: quiet }),
      /checksum mismatch: SHA-256 [0-9a-f]{64}, expected 0{64}/,
    );
    assert.deepEqual(fs.readdirSync(d1), [], 'a refused download leaves no cifar10 folder');
    // A connection that breaks mid-download: nothing under the final names.
    mode = 'truncated';
    const d2 = tempDir('data');
    await assert.rejects(downloadCifar10({ dataDir: d2, url: srv.url, sha256: sha, log: quiet }), /broke off|incomplete/);
    assert.deepEqual(fs.readdirSync(d2), []);
    // No network at all (connection refused): nothing, not even an empty folder.
    const d0 = tempDir('data');
    await assert.rejects(
      downloadCifar10({ dataDir: d0, url: 'http://127.0.0.1:1/none', sha256: sha, log: quiet }),
      /cannot download CIFAR-10/,
    );
    assert.deepEqual(fs.readdirSync(d0), []);
    // The good download verifies, extracts and loads by name.
    mode = 'ok';
    const d3 = tempDir('data');
    await downloadCifar10({ dataDir: d3, url: srv.url, sha256: sha, log: quiet });
    clearDatasetMemo();
    const ds = loadDataset('cifar10', { dataDir: d3 });
    assert.deepEqual(ds.meta.splitSizes, { train: 10, test: 2 });
    assert.ok(!fs.readdirSync(path.join(d3, 'cifar10')).some((f) => f.includes('partial') || f.includes('staging')));
    // A second call is a no-op (already there).
    await downloadCifar10({ dataDir: d3, url: 'http://127.0.0.1:1/never', sha256: sha, log: quiet });
  } finally {
    await srv.close();
  }
  assert.throws(() => verifySha256(archive, 'f'.repeat(64)), /archive\.tar\.gz: checksum mismatch/);
});

/** Pixel statistics of one image: mean, mean square, histogram of 4 bins. */
function pixelStats(s: Split, i: number, per: number): number[] {
  const px = s.images.subarray(i * per, (i + 1) * per);
  let sum = 0;
  let sq = 0;
  const hist = [0, 0, 0, 0];
  for (const v of px) {
    sum += v;
    sq += v * v;
    hist[v >> 6]++;
  }
  return [sum / per, sq / per, ...hist];
}

/**
 * Global averages of three oriented 2×2 difference filters, |I(x+1,y) − I(x,y)|,
 * |I(x,y+1) − I(x,y)| and |I(x+1,y+1) − I(x,y)| ('valid' convolution): pooled
 * channel statistics of the kind a conv stem plus global average pooling computes.
 */
function pooledDiffs(s: Split, i: number, size: number): number[] {
  const px = s.images.subarray(i * size * size, (i + 1) * size * size);
  const at = (x: number, y: number): number => px[y * size + x] / 255;
  const out = [0, 0, 0];
  for (let y = 0; y < size - 1; y++)
    for (let x = 0; x < size - 1; x++) {
      out[0] += Math.abs(at(x + 1, y) - at(x, y));
      out[1] += Math.abs(at(x, y + 1) - at(x, y));
      out[2] += Math.abs(at(x + 1, y + 1) - at(x, y));
    }
  return out.map((v) => v / (size - 1) ** 2);
}

test('diagnostic tasks: deterministic from the seed, balanced', () => {
  for (const make of [relationTask, appearanceTask, cooccurrenceTask]) {
    const a = make({ trainPerClass: 50, testPerClass: 10, seed: 3 });
    const b = make({ trainPerClass: 50, testPerClass: 10, seed: 3 });
    const c = make({ trainPerClass: 50, testPerClass: 10, seed: 4 });
    assert.ok(Buffer.from(a.train.images).equals(Buffer.from(b.train.images)), `${a.meta.name}: same seed, different data`);
    assert.ok(Buffer.from(a.test.images).equals(Buffer.from(b.test.images)));
    assert.ok(!Buffer.from(a.train.images).equals(Buffer.from(c.train.images)), `${a.meta.name}: seed ignored`);
    assert.deepEqual(counts(a.train.labels, 4), [50, 50, 50, 50]);
    assert.deepEqual(counts(a.test.labels, 4), [10, 10, 10, 10]);
  }
});

test('relation: pooled statistics cannot separate the classes (they coincide); appearance: they can', () => {
  const rel = relationTask({ trainPerClass: 200, testPerClass: 1, seed: 1 });
  const per = 28 * 28;
  const first = pixelStats(rel.train, 0, per);
  const firstPooled = pooledDiffs(rel.train, 0, 28);
  for (let i = 1; i < rel.train.n; i++) {
    assert.deepEqual(pixelStats(rel.train, i, per), first, `image ${i}: pooled pixel statistics differ`);
    const s = pooledDiffs(rel.train, i, 28);
    assert.ok(
      s.every((v, k) => Math.abs(v - firstPooled[k]) < 1e-9),
      `image ${i}: pooled filter responses differ`,
    );
  }
  // ...so the per-class means coincide exactly, and the classes are still different images.
  assert.notDeepEqual(rel.train.images.subarray(0, per), rel.train.images.subarray(per, 2 * per));

  // Appearance: the same pooled responses separate the four textures (nearest class mean).
  const app = appearanceTask({ trainPerClass: 100, testPerClass: 100, seed: 2 });
  const means = [0, 1, 2, 3].map(() => [0, 0, 0]);
  for (let i = 0; i < app.train.n; i++) {
    const s = pooledDiffs(app.train, i, 28);
    s.forEach((v, k) => (means[app.train.labels[i]][k] += v / 100));
  }
  let correct = 0;
  for (let i = 0; i < app.test.n; i++) {
    const s = pooledDiffs(app.test, i, 28);
    const d = means.map((m) => m.reduce((a, v, k) => a + (v - s[k]) ** 2, 0));
    if (d.indexOf(Math.min(...d)) === app.test.labels[i]) correct++;
  }
  assert.ok(correct / app.test.n > 0.95, `pooled statistics should solve appearance; nearest-mean accuracy ${correct / app.test.n}`);
  // And the mean intensity alone does not: every texture is half on.
  const meanOf = (i: number): number => pixelStats(app.train, i, per)[0];
  assert.ok([1, 2, 3].every((i) => meanOf(i) === meanOf(0)));
});

test('relation probe: the same shapes and rule at a given distance, read back from the pixels', () => {
  const size = 28;
  // Where the shapes are, from the pixels alone: the square is the one filled 5×5 block; the plus is every other pixel.
  const shapesOf = (img: Uint8Array): [number, number, number, number] => {
    let sq = -1;
    for (let p = 0; sq < 0 && p < img.length; p++) {
      const x = p % size,
        y = Math.floor(p / size);
      if (
        x + 5 <= size &&
        y + 5 <= size &&
        Array.from({ length: 25 }, (_, k) => img[(y + Math.floor(k / 5)) * size + x + (k % 5)]).every(Boolean)
      )
        sq = p;
    }
    const ax = sq % size,
      ay = Math.floor(sq / size);
    let bx = size,
      by = size;
    img.forEach((v, p) => {
      const x = p % size,
        y = Math.floor(p / size);
      if (v && !(x >= ax && x < ax + 5 && y >= ay && y < ay + 5)) {
        bx = Math.min(bx, x);
        by = Math.min(by, y);
      }
    });
    return [ax, ay, bx, by];
  };
  for (const distance of [RELATION_DISTANCES.min, RELATION_DISTANCES.max, 12, 16]) {
    const probe = relationAtDistance(distance, { perClass: 50 });
    assert.deepEqual(
      [0, 1, 2, 3].map((k) => probe.labels.filter((l) => l === k).length),
      [50, 50, 50, 50],
      `distance ${distance}`,
    );
    probe.labels.forEach((label, i) => {
      const [ax, ay, bx, by] = shapesOf(probe.images.subarray(i * size * size, (i + 1) * size * size));
      assert.equal(Math.max(Math.abs(bx - ax), Math.abs(by - ay)), distance, `image ${i} at distance ${distance}`);
      assert.equal(relationOf(ax, ay, bx, by), label, `image ${i} at distance ${distance}: its label is not its arrangement`);
    });
  }
  // The task's own distances are the generated ones: its images' shapes sit 8 or 9 px apart.
  const task = relationTask({ trainPerClass: 20, testPerClass: 5, seed: 3 });
  for (let i = 0; i < task.train.n; i++) {
    const [ax, ay, bx, by] = shapesOf(task.train.images.subarray(i * size * size, (i + 1) * size * size));
    const d = Math.max(Math.abs(bx - ax), Math.abs(by - ay));
    assert.ok(d >= RELATION_DISTANCES.min && d <= RELATION_DISTANCES.max, `train image ${i}: ${d} px`);
  }
  assert.throws(() => relationAtDistance(RELATION_DISTANCES.min - 1), /at least 8 px/);
  assert.throws(() => relationAtDistance(20), /no placement of class 'A left of B' has the shapes 20 px apart on a 28px canvas/);
});

test("relation: one shape's position alone reaches the computed baseline, far from the 67% of uniform placement", () => {
  const b = relationPositionBaseline();
  // 0.481830 is the same enumeration done independently (Python, over the generator's placement rule).
  assert.ok(Math.abs(b.square - 0.48183) < 1e-5 && Math.abs(b.plus - 0.48183) < 1e-5, JSON.stringify(b));
  // And on generated data: the best position-only lookup fitted on train scores about that on test.
  const ds = relationTask({ trainPerClass: 2500, testPerClass: 500, seed: 5 });
  const size = 28;
  const firstOn = (s: Split, i: number): number => {
    const img = s.images.subarray(i * size * size, (i + 1) * size * size);
    // The square is the only shape with a filled 2×2 block: its top-left pixel is the first such block's.
    for (let p = 0; p + size + 1 < img.length; p++) if (img[p] && img[p + 1] && img[p + size] && img[p + size + 1]) return p;
    return -1;
  };
  const votes = new Map<number, number[]>();
  for (let i = 0; i < ds.train.n; i++) {
    const k = firstOn(ds.train, i);
    const v = votes.get(k) ?? [0, 0, 0, 0];
    v[ds.train.labels[i]]++;
    votes.set(k, v);
  }
  let correct = 0;
  for (let i = 0; i < ds.test.n; i++) {
    const v = votes.get(firstOn(ds.test, i));
    if (v && v.indexOf(Math.max(...v)) === ds.test.labels[i]) correct++;
  }
  const acc = correct / ds.test.n;
  assert.ok(acc < b.square + 0.04, `position alone reached ${acc}, above the computed optimum ${b.square}`);
  assert.ok(acc > 0.25 + 0.1, `position alone reached only ${acc}: the lookup does not see positions`);
});

test('diagnostic tasks: no test image is a copy of a training image', () => {
  for (const make of [relationTask, appearanceTask, cooccurrenceTask]) {
    const ds = make({ seed: 0 }); // the default sizes: 2,500 train and 500 test images per class
    const size = 28 * 28;
    const key = (s: Split, i: number): string => Buffer.from(s.images.subarray(i * size, (i + 1) * size)).toString('base64');
    const train = new Set(Array.from({ length: ds.train.n }, (_, i) => key(ds.train, i)));
    const copies = Array.from({ length: ds.test.n }, (_, i) => key(ds.test, i)).filter((k) => train.has(k)).length;
    assert.equal(copies, 0, `${ds.meta.name}: ${copies} test images are copies of training images`);
    assert.ok(ds.test.n >= 2000, `${ds.meta.name}: ${ds.test.n} test images`);
  }
});

/**
 * A fixed bank of oriented 3×3 filters (lines —, |, \\, /), each rectified both ways, 'same'
 * zero-padded, globally averaged: the first-order statistics a fixed conv stem plus
 * global average pooling computes. 8 numbers per image.
 */
function orientedResponses(px: Uint8Array, size: number): number[] {
  const lines = [
    [
      [0, 1],
      [1, 1],
      [2, 1],
    ],
    [
      [1, 0],
      [1, 1],
      [1, 2],
    ],
    [
      [0, 0],
      [1, 1],
      [2, 2],
    ],
    [
      [2, 0],
      [1, 1],
      [0, 2],
    ],
  ];
  // Kernel: +2 on the line, −1 elsewhere (zero sum): [3×3] per orientation.
  const kernels = lines.map((l) =>
    Array.from({ length: 9 }, (_, j) => (l.some(([a, b]) => a === j % 3 && b === Math.floor(j / 3)) ? 2 : -1)),
  );
  const out = new Array(8).fill(0);
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= size || y >= size ? 0 : px[y * size + x] / 255);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      kernels.forEach((k, f) => {
        let r = 0;
        for (let j = 0; j < 9; j++) r += k[j] * at(x + (j % 3) - 1, y + Math.floor(j / 3) - 1);
        out[2 * f] += Math.max(r, 0);
        out[2 * f + 1] += Math.max(-r, 0);
      });
  return out.map((v) => v / (size * size));
}

/** The largest gap between two classes' mean of any first-order statistic (pixel statistics and oriented responses). */
function firstOrderGap(s: Split, size: number, classes: number): number {
  const per = size * size;
  const sums = Array.from({ length: classes }, () => new Array(14).fill(0));
  const n = new Array(classes).fill(0);
  for (let i = 0; i < s.n; i++) {
    const v = [...pixelStats(s, i, per), ...orientedResponses(s.images.subarray(i * per, (i + 1) * per), size)];
    v.forEach((x, k) => (sums[s.labels[i]][k] += x));
    n[s.labels[i]]++;
  }
  const means = sums.map((row, c) => row.map((x) => x / n[c]));
  return Math.max(...means[0].map((_, k) => Math.max(...means.map((m) => m[k])) - Math.min(...means.map((m) => m[k]))));
}

/** Accuracy of the best lookup from one stroke kind's position (fitted on train, scored on test). */
function strokePositionAccuracy(ds: { train: Split; test: Split }, kind: number, size: number): number {
  const where = (s: Split, i: number): number => {
    const img = s.images.subarray(i * size * size, (i + 1) * size * size);
    for (let y = 0; y + 2 < size; y++)
      for (let x = 0; x + 2 < size; x++) {
        let box = 0;
        for (let j = 0; j < 9; j++) box += img[(y + Math.floor(j / 3)) * size + x + (j % 3)] ? 1 : 0;
        if (box === 3 && STROKES[kind].every(([a, b]) => img[(y + b) * size + x + a])) return y * size + x;
      }
    return -1;
  };
  const votes = new Map<number, number[]>();
  for (let i = 0; i < ds.train.n; i++) {
    const at = where(ds.train, i);
    const v = votes.get(at) ?? [0, 0, 0, 0];
    v[ds.train.labels[i]]++;
    votes.set(at, v);
  }
  let correct = 0;
  for (let i = 0; i < ds.test.n; i++) {
    const v = votes.get(where(ds.test, i));
    if (v && v.indexOf(Math.max(...v)) === ds.test.labels[i]) correct++;
  }
  return correct / ds.test.n;
}

/** Images from a layout function (stroke kind -> box corner), for the checks and their broken variants. */
function strokeImages(perClass: number, size: number, layout: (label: number, i: number) => [number, number][]): Split {
  const n = 4 * perClass;
  const images = new Uint8Array(n * size * size);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 4;
    layout(i % 4, i).forEach(([x, y], k) => {
      for (const [a, b] of STROKES[k]) images[i * size * size + (y + b) * size + x + a] = 255;
    });
  }
  return { images, labels, n };
}

test("cooccurrence: first-order statistics are the same for every class, the pairs decide it, one stroke's position does not", () => {
  const size = 28;
  const ds = cooccurrenceTask({ trainPerClass: 2500, testPerClass: 500, seed: 7 });
  // Every image has the same statistics (exactly): so do the class means.
  const first = [...pixelStats(ds.train, 0, size * size), ...orientedResponses(ds.train.images.subarray(0, size * size), size)];
  for (let i = 1; i < 400; i++) {
    const v = [
      ...pixelStats(ds.train, i, size * size),
      ...orientedResponses(ds.train.images.subarray(i * size * size, (i + 1) * size * size), size),
    ];
    assert.ok(
      v.every((x, k) => Math.abs(x - first[k]) < 1e-9),
      `image ${i}: first-order statistics differ from image 0's`,
    );
  }
  assert.ok(firstOrderGap(ds.test, size, 4) < 1e-9);
  // The class is decided by co-occurrence: the pairs within 4 px, read off the layout, give it exactly.
  for (let label = 0; label < 4; label++) {
    const r = new Rng(100 + label);
    for (let t = 0; t < 50; t++) {
      const at = cooccurrenceLayout(r, size, label);
      const near: [number, number][] = [];
      for (let a = 0; a < 4; a++)
        for (let b = a + 1; b < 4; b++) if (strokeDistance(a, at[a][0], at[a][1], b, at[b][0], at[b][1]) <= 4) near.push([a, b]);
      assert.deepEqual(near, COOCCURRENCE_PAIRS[label], `class ${label}: pairs ${JSON.stringify(near)}`);
      // No two strokes within 3×3 reach of each other, none touching the border.
      for (let a = 0; a < 4; a++)
        for (let b = a + 1; b < 4; b++) assert.ok(strokeDistance(a, at[a][0], at[a][1], b, at[b][0], at[b][1]) >= 3);
      assert.ok(at.every(([x, y]) => x >= 1 && y >= 1 && x + 2 <= size - 2 && y + 2 <= size - 2));
    }
  }
  // One stroke's position alone: chance (25%), within the lookup's noise.
  for (let k = 0; k < 4; k++) {
    const acc = strokePositionAccuracy(ds, k, size);
    assert.ok(acc < 0.25 + 0.06, `stroke ${k}: its position alone reached ${acc}`);
  }
});

test('cooccurrence checks fail on broken generators: a class that changes a first-order statistic, and one that leaks position', () => {
  const size = 28;
  const r = new Rng(3);
  // Broken 1: class 0's partners 2 px apart, so a 3×3 window sees both strokes: the oriented responses differ.
  const close = strokeImages(100, size, (label) => {
    const at = cooccurrenceLayout(r, size, label === 0 ? 3 : label);
    if (label === 0) at[1] = [at[0][0] + 3, at[0][1]]; // | right beside —
    return at;
  });
  assert.ok(firstOrderGap(close, size, 4) > 1e-3, 'the first-order check missed a class with touching strokes');
  // Broken 2: class 0 keeps its horizontal stroke in the top rows: its position gives the class away.
  const leak = (n: number) =>
    strokeImages(n, size, (label) => {
      for (;;) {
        const at = cooccurrenceLayout(r, size, label);
        if ((label === 0) === at[0][1] < 8) return at;
      }
    });
  const acc = strokePositionAccuracy({ train: leak(500), test: leak(100) }, 0, size);
  assert.ok(acc >= 0.25 + 0.06, `the position check missed a leak: ${acc}`);
});

test('folder dataset: decoded, resized, cached, rebuilt on change; a corrupt image is reported and skipped', async () => {
  await backend();
  const dataDir = tempDir('data');
  const root = path.join(dataDir, 'shapes');
  for (const [c, v] of [
    ['bright', 220],
    ['dark', 40],
  ] as const) {
    fs.mkdirSync(path.join(root, c), { recursive: true });
    for (let i = 0; i < 6; i++) {
      const px = new Uint8Array(10 * 12).fill(v + i);
      fs.writeFileSync(path.join(root, c, `img${i}.png`), encodePng(px, 12, 10, 1));
    }
  }
  fs.writeFileSync(path.join(root, 'bright', 'broken.png'), Buffer.from('this is not a png at all'));
  const logs: string[] = [];
  const opts = {
    dataDir,
    name: 'shapes',
    size: [8, 8] as [number, number],
    channels: 1 as const,
    testFraction: 0.34,
    seed: 1,
    log: (m: string) => logs.push(m),
  };
  const a = loadFolderDataset(opts);
  assert.equal(a.fromCache, false);
  assert.deepEqual(a.meta.classNames, ['bright', 'dark']);
  assert.equal(a.skipped.length, 1);
  assert.match(a.skipped[0].path, /bright\/broken\.png$/);
  assert.ok(logs.some((l) => /skipping unreadable image .*broken\.png/.test(l)));
  assert.equal(a.train.n + a.test.n, 12);
  assert.deepEqual(counts(a.test.labels, 2), [2, 2]); // stratified: round(6 · 0.34) = 2 per class
  assert.deepEqual(a.meta.shape, [8, 8, 1]);
  // Resizing a constant image keeps its value.
  const firstLabel = a.train.labels[0];
  const v = a.train.images[0];
  assert.ok(firstLabel === 0 ? v >= 220 && v <= 225 : v >= 40 && v <= 45, `pixel ${v} for class ${firstLabel}`);
  assert.ok(fs.existsSync(path.join(dataDir, 'shapes.cache.bin')));
  const b = loadFolderDataset(opts);
  assert.equal(b.fromCache, true);
  assert.ok(Buffer.from(b.train.images).equals(Buffer.from(a.train.images)));
  fs.writeFileSync(path.join(root, 'dark', 'img9.png'), encodePng(new Uint8Array(120).fill(50), 12, 10, 1));
  const c = loadFolderDataset(opts);
  assert.equal(c.fromCache, false, 'a new file must rebuild the cache');
  assert.equal(c.train.n + c.test.n, 13);
  assert.ok(!fs.readdirSync(dataDir).some((f) => f.includes('.tmp-')), 'a temporary file was left in the data folder');
});

test('pipeline: stratified subsets and hold-outs, refusal to flip relations, leak-free epochs', async () => {
  await backend();
  const ds = relationTask({ trainPerClass: 60, testPerClass: 5, seed: 0 });
  const shape = ds.meta.shape;
  const sub = stratifiedSubset(ds.train, shape, 4, 10);
  assert.deepEqual(counts(sub.labels, 4), [10, 10, 10, 10]);
  const { train, val } = holdout(ds.train, shape, 4, 0.25, 0);
  assert.deepEqual(counts(val.labels, 4), [15, 15, 15, 15]);
  assert.equal(train.n, 180);
  assert.throws(
    () =>
      batches(ds.train, shape, {
        batchSize: 8,
        augment: { cropPad: 0, flip: true },
        flipSafe: ds.meta.flipSafe,
        dataset: 'relation',
      }).next(),
    /augment\.flip: horizontal flips change labels of 'relation'/,
  );
  let seen = 0;
  await assertNoLeak('an augmented, shuffled epoch', () =>
    forEachBatch(
      train,
      shape,
      { batchSize: 32, shuffleSeed: 5, augment: { cropPad: 2, flip: false }, normalize: { mean: [0.1], std: [0.3] } },
      (b) => {
        seen += b.x.shape[0];
        assert.equal(b.x.shape[0], b.y.shape[0]);
        // use the batch the way training does, creating and freeing tensors
        tf.tidy(() => b.x.mean().dataSync());
      },
    ),
  );
  assert.equal(seen, 180);
  // The same shuffle seed gives the same order; another seed another one.
  const firstLabels = (seed: number): number[] => {
    const it = batches(train, shape, { batchSize: 16, shuffleSeed: seed });
    const b = it.next().value!;
    const out = Array.from(b.y.dataSync() as Int32Array);
    tf.dispose([b.x, b.y]);
    it.return(undefined);
    return out;
  };
  assert.deepEqual(firstLabels(1), firstLabels(1));
  assert.notDeepEqual(firstLabels(1), firstLabels(2));
});
