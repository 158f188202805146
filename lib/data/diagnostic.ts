/**
 * Diagnostic tasks that separate *where* from *what*, generated from a seed.
 *
 * relation: every image holds the same two shapes, a filled 5×5 square (A) and a
 *   5×5 plus (B), with the same intensities; only their arrangement differs. The
 *   label is where A sits relative to B: left of, right of, above or below (the
 *   dominant axis wins by at least 3 px, so no example is ambiguous).
 *   Placement: uniform over the pairs whose dominant-axis distance is 8 or 9 px.
 *   On a bounded canvas one shape's absolute position always says something about
 *   the label (a square at the far right cannot be left of anything); keeping the
 *   pair close keeps each shape's position distribution nearly the same for every
 *   class. What one shape's position alone still gives is computed exactly by
 *   `relationPositionBaseline()` (about 48%, chance 25%; uniform placement gave
 *   67%): a model solves the task only when it clearly beats that, not chance.
 *   Why global-average-pooled channel statistics cannot solve it: every image has
 *   the same pixel multiset, so any pooled pixel statistic is identical for every
 *   image. Shapes keep a 2-px margin from the border and a gap of at least 3 px
 *   between them, so a 3×3 filter never sees both shapes or the border: the global
 *   average of any such feature map is the same number for every image, whatever
 *   the class. (Stacks with a larger receptive field or strides break this only
 *   through overlap and stride alignment, which are the same for every class on
 *   average.) Only a model that keeps *positions* can tell the classes apart; a
 *   map flattened into one channel token keeps them, a pooled scalar does not.
 *
 * appearance: two non-overlapping 8×8 patches of one texture (horizontal stripes,
 *   vertical stripes, checkerboard, diagonal stripes), each at a random position
 *   with a random phase. Every patch has exactly half its pixels on, so the mean
 *   intensity is the same for every image, but oriented filters respond
 *   differently to each texture wherever it is, so the global averages of such
 *   channels (SE-Net's pooled statistic) separate the classes. Position carries no
 *   information about the label. Two patches and their phases give far more
 *   distinct images than a split needs, so nothing is memorised by position.
 *
 * cooccurrence (the style task): four strokes of three pixels, one of each kind
 *   (horizontal, vertical, diagonal, anti-diagonal), anywhere on the canvas. What decides
 *   the class is which kinds occur together: in classes 0–2 the four kinds form two
 *   pairs (one of the three ways to pair them up), each pair 3 or 4 px apart, and every
 *   other two strokes at least 5 px apart; in class 3 all four are at least 5 px apart.
 *   This is co-occurrence over positions, a Gram-matrix entry of feature maps with a
 *   receptive field of 5 px (the stem's), the statistic style transfer uses (Gatys et al.
 *   2016): not the layout (every stroke is anywhere) and not the first-order statistics.
 *   Every image has the same strokes, so the same pixels on; every stroke keeps 1 px from
 *   the border and 3 px from every other stroke, so a 3×3 window never sees two strokes
 *   or the border, and the global average of any 3×3 filter's response (rectified or
 *   not) is the same number for every image, whatever the class. The stem's second
 *   layer (5×5 receptive field) sees a pair: a learned stem can build a conjunction
 *   detector, so whether pooled statistics fail is for the experiment to show.
 *
 * No test image is a copy of a training image: training images that equal a test
 * image are drawn again.
 *
 * Flipping left-right swaps 'left of' and 'right of', so the relation task is not
 * flip-safe and the pipeline refuses to flip it.
 */
import { Rng } from '../util/rng';
import type { Dataset, Split } from './types';

export interface DiagnosticOptions {
  /** Image side in pixels (square, one channel). */
  size?: number;
  /** Training images per class. */
  trainPerClass?: number;
  /** Test images per class. */
  testPerClass?: number;
  /** Seed: the same seed always gives byte-identical data. */
  seed?: number;
}

const DEFAULTS = { size: 28, trainPerClass: 2500, testPerClass: 500, seed: 0 };

export const RELATION_CLASSES = ['A left of B', 'A right of B', 'A above B', 'A below B'];
export const RELATION_RULE = 'label = where the filled square A sits relative to the plus B; both shapes are in every image';
export const APPEARANCE_CLASSES = ['horizontal stripes', 'vertical stripes', 'checkerboard', 'diagonal stripes'];
export const APPEARANCE_RULE = 'label = which texture the 8×8 patch has; its position is random and irrelevant';
export const COOCCURRENCE_CLASSES = ['— with |, \\ with /', '— with \\, | with /', '— with /, | with \\', 'all apart'];
export const COOCCURRENCE_RULE =
  'label = which stroke kinds occur together (3–4 px apart); every image has one horizontal, one vertical, one diagonal and one anti-diagonal stroke, anywhere';

const SHAPE = 5;
const MARGIN = 2;
const GAP = 3;
const PATCH = 8;

function square(x: number, y: number): boolean {
  return x >= 0 && y >= 0 && x < SHAPE && y < SHAPE;
}
function plus(x: number, y: number): boolean {
  return (x === 2 && y >= 0 && y < SHAPE) || (y === 2 && x >= 0 && x < SHAPE);
}

function draw(img: Uint8Array, size: number, ox: number, oy: number, w: number, h: number, on: (x: number, y: number) => boolean): void {
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (on(x, y)) img[(oy + y) * size + ox + x] = 255;
}

/** Relation class of A at (ax, ay) vs B at (bx, by), or -1 when ambiguous or too close. */
export function relationOf(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  if (Math.max(Math.abs(dx), Math.abs(dy)) < SHAPE + GAP) return -1; // overlapping or receptive fields touching
  if (Math.abs(dx) >= Math.abs(dy) + 3) return dx > 0 ? 0 : 1; // B to the right: A is left of B
  if (Math.abs(dy) >= Math.abs(dx) + 3) return dy > 0 ? 2 : 3; // B below: A is above B
  return -1;
}

/** The largest dominant-axis distance of a pair: small, so that one shape's position says little (see above). */
const MAX_DISTANCE = 9;

type Placement = [number, number, number, number]; // ax, ay, bx, by

const placementsMemo = new Map<number, Placement[][]>();

/** Every valid placement whose dominant-axis distance passes `keep`, per class, on a size×size canvas (deterministic order). */
function placementsWhere(size: number, keep: (distance: number) => boolean): Placement[][] {
  const hi = size - MARGIN - SHAPE;
  if (hi - MARGIN < SHAPE + GAP + 3) throw new Error(`relation task: size ${size} is too small for two ${SHAPE}px shapes`);
  const out: Placement[][] = RELATION_CLASSES.map(() => []);
  for (let ax = MARGIN; ax <= hi; ax++)
    for (let ay = MARGIN; ay <= hi; ay++)
      for (let bx = MARGIN; bx <= hi; bx++)
        for (let by = MARGIN; by <= hi; by++) {
          if (!keep(Math.max(Math.abs(bx - ax), Math.abs(by - ay)))) continue;
          const k = relationOf(ax, ay, bx, by);
          if (k >= 0) out[k].push([ax, ay, bx, by]);
        }
  return out;
}

/** Every valid placement of the two shapes, per class, on a size×size canvas (deterministic order). */
export function relationPlacements(size = DEFAULTS.size): Placement[][] {
  const hit = placementsMemo.get(size);
  if (hit) return hit;
  const out = placementsWhere(size, (d) => d <= MAX_DISTANCE);
  placementsMemo.set(size, out);
  return out;
}

/** The dominant-axis distances (px) of the relation task's placements. */
export const RELATION_DISTANCES = { min: SHAPE + GAP, max: MAX_DISTANCE };

/**
 * A probe of the relation task, not a training set: the same two shapes and the same rule,
 * with the pair exactly `distance` px apart on its dominant axis, which may be farther than
 * any generated image (RELATION_DISTANCES). A model that reads where each shape is keeps its
 * accuracy as the pair moves apart; one that reads a local pattern taking in part of each
 * shape falls to chance once its window no longer reaches enough of both. Up to `perClass`
 * placements per class, evenly spread over the placements in their deterministic order;
 * images [n, size, size] as bytes.
 */
export function relationAtDistance(
  distance: number,
  opts: { size?: number; perClass?: number } = {},
): { images: Uint8Array; labels: number[]; size: number } {
  const size = opts.size ?? DEFAULTS.size;
  const perClass = opts.perClass ?? 200;
  if (!Number.isInteger(distance) || distance < RELATION_DISTANCES.min)
    throw new Error(
      `relation probe: distance must be an integer of at least ${RELATION_DISTANCES.min} px (two ${SHAPE}px shapes ${GAP} px apart), got ${distance}`,
    );
  const byClass = placementsWhere(size, (d) => d === distance);
  const short = byClass.findIndex((l) => l.length === 0);
  if (short >= 0)
    throw new Error(
      `relation probe: no placement of class '${RELATION_CLASSES[short]}' has the shapes ${distance} px apart on a ${size}px canvas`,
    );
  const picked = byClass.map((l) =>
    Array.from({ length: Math.min(perClass, l.length) }, (_, i) => l[Math.floor((i * l.length) / Math.min(perClass, l.length))]),
  );
  const n = picked.reduce((a, l) => a + l.length, 0);
  const images = new Uint8Array(n * size * size);
  const labels: number[] = [];
  let i = 0;
  picked.forEach((list, k) =>
    list.forEach((p) => {
      drawPair(images.subarray(i * size * size, (i + 1) * size * size), size, p);
      labels.push(k);
      i++;
    }),
  );
  return { images, labels, size };
}

/**
 * The best accuracy reachable from one shape's absolute position alone (Bayes-optimal,
 * classes equally likely, placements uniform as generated), by enumeration.
 */
export function relationPositionBaseline(size = DEFAULTS.size): { square: number; plus: number } {
  const per = relationPlacements(size);
  const best = (which: 0 | 2): number => {
    const byPos = new Map<number, number[]>();
    per.forEach((list, k) => {
      for (const p of list) {
        const key = p[which] * size + p[which + 1];
        const v = byPos.get(key) ?? [0, 0, 0, 0];
        v[k] += 1 / (list.length * per.length);
        byPos.set(key, v);
      }
    });
    return [...byPos.values()].reduce((a, v) => a + Math.max(...v), 0);
  };
  return { square: best(0), plus: best(2) };
}

/** The square A and the plus B at a placement. */
function drawPair(img: Uint8Array, size: number, [ax, ay, bx, by]: Placement): void {
  draw(img, size, ax, ay, SHAPE, SHAPE, square);
  draw(img, size, bx, by, SHAPE, SHAPE, plus);
}

function relationImage(rng: Rng, size: number, label: number): Uint8Array {
  const list = relationPlacements(size)[label];
  const img = new Uint8Array(size * size);
  drawPair(img, size, list[rng.int(0, list.length - 1)]);
  return img;
}

const TEXTURES: ((x: number, y: number) => boolean)[] = [
  (_x, y) => y % 2 === 0,
  (x) => x % 2 === 0,
  (x, y) => (x + y) % 2 === 0,
  (x, y) => (x + y) % 4 < 2,
];

function appearanceImage(rng: Rng, size: number, label: number): Uint8Array {
  if (size < 2 * PATCH) throw new Error(`appearance task: size ${size} is too small for two ${PATCH}px patches`);
  const img = new Uint8Array(size * size);
  const [x0, y0] = [rng.int(0, size - PATCH), rng.int(0, size - PATCH)];
  let x1: number;
  let y1: number;
  do {
    [x1, y1] = [rng.int(0, size - PATCH), rng.int(0, size - PATCH)];
  } while (Math.abs(x1 - x0) < PATCH && Math.abs(y1 - y0) < PATCH); // never overlapping: every image has the same number of pixels on
  for (const [x, y] of [
    [x0, y0],
    [x1, y1],
  ]) {
    const [px, py] = [rng.int(0, 3), rng.int(0, 3)]; // the texture's phase: where its period starts
    draw(img, size, x, y, PATCH, PATCH, (u, v) => TEXTURES[label](u + px, v + py));
  }
  return img;
}

/** The four stroke kinds, as the pixels they set in their 3×3 box: —, |, \\, /. */
export const STROKES: [number, number][][] = [
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
/** The pairs of kinds each class puts together (the three ways to pair four kinds up); class 3 pairs none. */
export const COOCCURRENCE_PAIRS: [number, number][][] = [
  [
    [0, 1],
    [2, 3],
  ],
  [
    [0, 2],
    [1, 3],
  ],
  [
    [0, 3],
    [1, 2],
  ],
  [],
];
/** Partners are 3 or 4 px apart (a 5×5 window sees both, a 3×3 one never); everything else at least 5. */
const NEAR = [3, 4];
const FAR = 5;

/** Chebyshev distance between two strokes' pixel sets (kind, box corner). */
export function strokeDistance(k1: number, x1: number, y1: number, k2: number, x2: number, y2: number): number {
  let d = Infinity;
  for (const [a, b] of STROKES[k1])
    for (const [c, e] of STROKES[k2]) d = Math.min(d, Math.max(Math.abs(x1 + a - x2 - c), Math.abs(y1 + b - y2 - e)));
  return d;
}

/** Box corners of the four strokes (index = kind) for a class, drawn by rejection: strokes uniform, partners uniform within 6 px of their pair's first stroke. */
export function cooccurrenceLayout(rng: Rng, size: number, label: number): [number, number][] {
  const hi = size - 4; // 1 px margin: the 3×3 box spans [x, x + 2]
  const pairs = COOCCURRENCE_PAIRS[label];
  const partner = (k: number): number => {
    for (const [a, b] of pairs) if (a === k) return b;
    for (const [a, b] of pairs) if (b === k) return a;
    return -1;
  };
  for (let tries = 0; tries < 100000; tries++) {
    const at: [number, number][] = [0, 1, 2, 3].map(() => [rng.int(1, hi), rng.int(1, hi)]);
    // A partner is drawn near its stroke (either member of a pair first, at random), so that layouts are not rare.
    for (const [a, b] of pairs) {
      const [first, second] = rng.next() < 0.5 ? [a, b] : [b, a];
      at[second] = [at[first][0] + rng.int(-6, 6), at[first][1] + rng.int(-6, 6)];
    }
    let ok = at.every(([x, y]) => x >= 1 && y >= 1 && x <= hi && y <= hi);
    for (let i = 0; ok && i < 4; i++)
      for (let j = i + 1; ok && j < 4; j++) {
        const d = strokeDistance(i, at[i][0], at[i][1], j, at[j][0], at[j][1]);
        ok = partner(i) === j ? NEAR.includes(d) : d >= FAR;
      }
    if (ok) return at;
  }
  throw new Error(`cooccurrence task: no valid layout on a ${size}×${size} canvas`);
}

function cooccurrenceImage(rng: Rng, size: number, label: number): Uint8Array {
  const img = new Uint8Array(size * size);
  cooccurrenceLayout(rng, size, label).forEach(([x, y], k) => {
    for (const [a, b] of STROKES[k]) img[(y + b) * size + x + a] = 255;
  });
  return img;
}

/** A key for an image, to find copies. */
export function imageKey(img: Uint8Array): string {
  return Buffer.from(img).toString('base64');
}

function generate(
  perClass: number,
  classes: number,
  size: number,
  rng: Rng,
  make: (rng: Rng, size: number, label: number) => Uint8Array,
  exclude?: Set<string>,
): Split {
  const n = perClass * classes;
  const images = new Uint8Array(n * size * size);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % classes; // interleaved: balanced, and any prefix is balanced too
    let img = make(rng, size, label);
    for (let tries = 0; exclude?.has(imageKey(img)); tries++) {
      if (tries > 1000) throw new Error('diagnostic task: cannot draw a training image that is not a copy of a test image');
      img = make(rng, size, label);
    }
    images.set(img, i * size * size);
    labels[i] = label;
  }
  return { images, labels, n };
}

function build(
  name: string,
  classes: string[],
  rule: string,
  flipSafe: boolean,
  make: typeof relationImage,
  opts: DiagnosticOptions,
): Dataset {
  const o = { ...DEFAULTS, ...opts };
  // Train and test come from separate streams of one seed; training images that
  // equal a test image are drawn again, so no test image is a copy of a training one.
  const test = generate(o.testPerClass, classes.length, o.size, new Rng(o.seed * 2 + 2), make);
  const seen = new Set<string>();
  for (let i = 0; i < test.n; i++) seen.add(imageKey(test.images.subarray(i * o.size * o.size, (i + 1) * o.size * o.size)));
  const train = generate(o.trainPerClass, classes.length, o.size, new Rng(o.seed * 2 + 1), make, seen);
  return {
    meta: {
      name,
      shape: [o.size, o.size, 1],
      numClasses: classes.length,
      classNames: classes,
      splitSizes: { train: train.n, test: test.n },
      source: `generated (seed ${o.seed}, ${o.size}×${o.size})`,
      flipSafe,
      notes: [rule],
    },
    train,
    test,
  };
}

const MAKERS: Record<string, { make: typeof relationImage; classes: number }> = {
  relation: { make: relationImage, classes: RELATION_CLASSES.length },
  appearance: { make: appearanceImage, classes: APPEARANCE_CLASSES.length },
  cooccurrence: { make: cooccurrenceImage, classes: COOCCURRENCE_CLASSES.length },
};

/** The stream a fresh epoch draws from: a function of (seed, epoch) only, apart from the train and test streams (seeds 2s+1, 2s+2). */
export function freshStreamSeed(seed: number, epoch: number): number {
  return (0x6a09e667 ^ Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
}

/**
 * One epoch's training images for a generated task drawn fresh (DatasetSpec.freshTrain): perClass images
 * of each class, interleaved, from the stream of (seed, epoch), so that a resumed run draws the same ones.
 * An image that is a copy of one in `exclude` (the run's validation and test images) is drawn again.
 */
export function freshTrainingSplit(
  name: string,
  o: { size: number; perClass: number; seed: number; epoch: number; exclude: Set<string> },
): Split {
  const task = MAKERS[name];
  if (!task) throw new Error(`fresh training images: '${name}' is not a generated task (${Object.keys(MAKERS).join(', ')})`);
  return generate(o.perClass, task.classes, o.size, new Rng(freshStreamSeed(o.seed, o.epoch)), task.make, o.exclude);
}

export function relationTask(opts: DiagnosticOptions = {}): Dataset {
  return build('relation', RELATION_CLASSES, RELATION_RULE, false, relationImage, opts);
}

export function cooccurrenceTask(opts: DiagnosticOptions = {}): Dataset {
  // Not flip-safe: a mirror turns \\ into /, which changes the pairs.
  return build('cooccurrence', COOCCURRENCE_CLASSES, COOCCURRENCE_RULE, false, cooccurrenceImage, opts);
}

export function appearanceTask(opts: DiagnosticOptions = {}): Dataset {
  // Not flip-safe: a mirrored diagonal stripe is an anti-diagonal one, a texture no class has.
  return build('appearance', APPEARANCE_CLASSES, APPEARANCE_RULE, false, appearanceImage, opts);
}
