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
 * No test image is a copy of a training image: training images that equal a test
 * image are drawn again.
 *
 * Flipping left-right swaps 'left of' and 'right of', so the relation task is not
 * flip-safe and the pipeline refuses to flip it.
 */
import { Rng } from '../util/rng';
import { Dataset, Split } from './types';

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

/** Every valid placement of the two shapes, per class, on a size×size canvas (deterministic order). */
export function relationPlacements(size = DEFAULTS.size): Placement[][] {
  const hit = placementsMemo.get(size);
  if (hit) return hit;
  const hi = size - MARGIN - SHAPE;
  if (hi - MARGIN < SHAPE + GAP + 3) throw new Error(`relation task: size ${size} is too small for two ${SHAPE}px shapes`);
  const out: Placement[][] = RELATION_CLASSES.map(() => []);
  for (let ax = MARGIN; ax <= hi; ax++)
    for (let ay = MARGIN; ay <= hi; ay++)
      for (let bx = MARGIN; bx <= hi; bx++)
        for (let by = MARGIN; by <= hi; by++) {
          if (Math.max(Math.abs(bx - ax), Math.abs(by - ay)) > MAX_DISTANCE) continue;
          const k = relationOf(ax, ay, bx, by);
          if (k >= 0) out[k].push([ax, ay, bx, by]);
        }
  placementsMemo.set(size, out);
  return out;
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

function relationImage(rng: Rng, size: number, label: number): Uint8Array {
  const list = relationPlacements(size)[label];
  const [ax, ay, bx, by] = list[rng.int(0, list.length - 1)];
  const img = new Uint8Array(size * size);
  draw(img, size, ax, ay, SHAPE, SHAPE, square);
  draw(img, size, bx, by, SHAPE, SHAPE, plus);
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

/** A key for an image, to find copies. */
function imageKey(img: Uint8Array): string {
  return Buffer.from(img).toString('base64');
}

function generate(perClass: number, classes: number, size: number, rng: Rng, make: (rng: Rng, size: number, label: number) => Uint8Array, exclude?: Set<string>): Split {
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

function build(name: string, classes: string[], rule: string, flipSafe: boolean, make: typeof relationImage, opts: DiagnosticOptions): Dataset {
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

export function relationTask(opts: DiagnosticOptions = {}): Dataset {
  return build('relation', RELATION_CLASSES, RELATION_RULE, false, relationImage, opts);
}

export function appearanceTask(opts: DiagnosticOptions = {}): Dataset {
  // Not flip-safe: a mirrored diagonal stripe is an anti-diagonal one, a texture no class has.
  return build('appearance', APPEARANCE_CLASSES, APPEARANCE_RULE, false, appearanceImage, opts);
}
