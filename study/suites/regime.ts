import { stridedStem } from '../../lib/models/stem';
import { model, type Suite, type SuiteModel, vs } from '../../lib/experiments/suite';

/**
 * The stems of the regime map, as [stages, maps]: maps of 4×4 and 7×7 (H·W 16, 49) with 256 maps, where
 * there are more maps than positions (C > H·W: the regime of a ResNet stage and the hybrid ViT, where a
 * channel token holds only 16 or 49 numbers and channel tokens are the longer sequence), beside the answer's
 * own 14×14×64 (C < H·W), which is the core suite's runs as they are. Listed in the order their runs go: the
 * regime farthest from the answer's first.
 * Cut from the 3 × 3 grid to keep the regime and data-size suites near 60 hours of run time on this
 * machine (the store's estimate for the full grid was 59 h for this suite alone): 14×14×16 and 14×14×256
 * (C < H·W is the answer's own regime, and C > H·W is covered at two smaller sizes), 7×7×16, 4×4×16, 4×4×64
 * and 7×7×64 (the boundary C ≈ H·W, next in line if time allows).
 */
export const REGIME_STEMS: [stages: number, maps: number][] = [
  [3, 256],
  [2, 256],
  [1, 64],
];

/** The side of a stem's maps on 28×28 inputs. */
const SIDE: Record<number, number> = { 1: 14, 2: 7, 3: 4 };

/** The label of an arm at a stem: `channel-full 7x7x256`. */
export function regimeLabel(arm: string, [stages, maps]: [number, number]): string {
  return `${arm} ${SIDE[stages]}x${SIDE[stages]}x${maps}`;
}

/** The arms read at every stem: channel tokens, spatial tokens, and XCiT's cross-covariance attention (the literature's channel attention). */
export const REGIME_ARMS = ['channel-full', 'spatial-full', 'xcit-lite'];

export const regime: Suite = {
  name: 'regime',
  description:
    'Where the answer holds: channel-full, spatial-full and XCiT-style cross-covariance attention over stems of 1 to 3 stride-2 stages (maps of 14×14, 7×7, 4×4) and 16 to 256 maps, on Fashion-MNIST and on the relation task (where position decides), with vit-patch7 as the reference without a stem.',
  datasets: ['fashion-mnist', 'relation'],
  models: [
    ...REGIME_STEMS.flatMap((s): SuiteModel[] => REGIME_ARMS.map((arm) => model(regimeLabel(arm, s), arm, { stem: stridedStem(...s) }))),
    model('vit-patch7'),
  ],
  kind: 'standard',
  comparisons: REGIME_STEMS.map((s) =>
    vs(
      regimeLabel('channel-full', s),
      regimeLabel('spatial-full', s),
      `channel against spatial tokens at ${SIDE[s[0]]}×${SIDE[s[0]]}×${s[1]}`,
    ),
  ),
};

/**
 * The data-size curve: does spatial-full's lead over channel-full on Fashion-MNIST (1.5 pp at 2,000 images per
 * class) close, hold or flip with more data? The four arms at 500 and 2,000 images per class and the full
 * training set (about 6,000 per class), on Fashion-MNIST; 2,000 is the core grid's runs. Cut from the issue's
 * grid to fit the budget: MNIST (every arm is within a point of its ceiling there at 2,000 per class, and its
 * full-data runs would cost 28 of the suite's 60 estimated hours) and 1,000 per class.
 */
export const DATA_SIZES: (number | null)[] = [null, 500, 2000];
export const DATA_SIZE_ARMS = ['channel-full', 'spatial-full', 'vit-patch7', 'cnn-deep'];

/** The label of an arm at a data size: `channel-full n=500`, `channel-full n=all`. */
export function sizeLabel(arm: string, n: number | null): string {
  return `${arm} n=${n ?? 'all'}`;
}

export const dataSize: Suite = {
  name: 'data-size',
  description:
    'The data-size curve: channel-full, spatial-full, vit-patch7 and cnn-deep at 500 and 2,000 training images per class and the full training set, on Fashion-MNIST.',
  datasets: ['fashion-mnist'],
  models: DATA_SIZES.flatMap((n) => DATA_SIZE_ARMS.map((arm) => ({ ...model(sizeLabel(arm, n), arm), trainPerClass: n }))),
  kind: 'standard',
  comparisons: DATA_SIZES.map((n) =>
    vs(sizeLabel('channel-full', n), sizeLabel('spatial-full', n), `channel against spatial tokens at ${n ?? 'all'} images per class`),
  ),
};
