/**
 * Diagnostic tasks that separate *where* from *what*, generated from a seed.
 *
 * relation: every image holds the same two shapes, a filled 5×5 square (A) and a
 *   5×5 plus (B), with the same intensities; only their arrangement differs. The
 *   label is where A sits relative to B: left of, right of, above or below (the
 *   dominant axis wins by at least 3 px, so no example is ambiguous).
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
 * appearance: one 8×8 texture patch (horizontal stripes, vertical stripes,
 *   checkerboard, diagonal stripes) at a random position. Every texture has
 *   exactly half its pixels on, so the mean intensity is the same for every class,
 *   but oriented filters respond differently to each texture wherever it is, so
 *   the global averages of such channels (SE-Net's pooled statistic) separate the
 *   classes. Position carries no information about the label.
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

function relationImage(rng: Rng, size: number, label: number): Uint8Array {
  const hi = size - MARGIN - SHAPE;
  if (hi - MARGIN < SHAPE + GAP + 3) throw new Error(`relation task: size ${size} is too small for two ${SHAPE}px shapes`);
  for (;;) {
    const [ax, ay, bx, by] = [rng.int(MARGIN, hi), rng.int(MARGIN, hi), rng.int(MARGIN, hi), rng.int(MARGIN, hi)];
    if (relationOf(ax, ay, bx, by) !== label) continue;
    const img = new Uint8Array(size * size);
    draw(img, size, ax, ay, SHAPE, SHAPE, square);
    draw(img, size, bx, by, SHAPE, SHAPE, plus);
    return img;
  }
}

const TEXTURES: ((x: number, y: number) => boolean)[] = [
  (_x, y) => y % 2 === 0,
  (x) => x % 2 === 0,
  (x, y) => (x + y) % 2 === 0,
  (x, y) => (x + y) % 4 < 2,
];

function appearanceImage(rng: Rng, size: number, label: number): Uint8Array {
  if (size < PATCH) throw new Error(`appearance task: size ${size} is smaller than the ${PATCH}px patch`);
  const img = new Uint8Array(size * size);
  draw(img, size, rng.int(0, size - PATCH), rng.int(0, size - PATCH), PATCH, PATCH, TEXTURES[label]);
  return img;
}

function generate(perClass: number, classes: number, size: number, rng: Rng, make: (rng: Rng, size: number, label: number) => Uint8Array): Split {
  const n = perClass * classes;
  const images = new Uint8Array(n * size * size);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % classes; // interleaved: balanced, and any prefix is balanced too
    images.set(make(rng, size, label), i * size * size);
    labels[i] = label;
  }
  return { images, labels, n };
}

function build(name: string, classes: string[], rule: string, flipSafe: boolean, make: typeof relationImage, opts: DiagnosticOptions): Dataset {
  const o = { ...DEFAULTS, ...opts };
  // Train and test come from separate streams of one seed, so changing the test
  // size never changes the training images.
  const train = generate(o.trainPerClass, classes.length, o.size, new Rng(o.seed * 2 + 1), make);
  const test = generate(o.testPerClass, classes.length, o.size, new Rng(o.seed * 2 + 2), make);
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
