/**
 * Tiles a stack of 2-D maps (feature maps, images, attention rows) into one
 * grayscale picture, each tile min-max normalized on its own so that a weak map
 * is still visible. Used for "show me the n feature maps" cells and figures.
 */
import { encodePng } from './png';

export interface GridOptions {
  /** Tiles per row; default ceil(sqrt(n)). */
  cols?: number;
  /** Pixel repetition per map cell, so 7×7 maps are not microscopic. */
  scale?: number;
  /** Gap between tiles, in output pixels. */
  pad?: number;
  /** Normalize each tile separately (true) or all tiles together (false). */
  perTile?: boolean;
}

/**
 * maps: n maps of h×w values, laid out [n, h, w] row-major (a flat Float32Array).
 * Returns 8-bit grayscale pixels plus the picture's size.
 */
export function tileMaps(
  maps: ArrayLike<number>,
  n: number,
  h: number,
  w: number,
  opts: GridOptions = {},
): { pixels: Uint8Array; width: number; height: number } {
  if (maps.length !== n * h * w) throw new Error(`tileMaps: expected n*h*w = ${n * h * w} values, got ${maps.length}`);
  const cols = opts.cols ?? Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const s = opts.scale ?? Math.max(1, Math.floor(64 / Math.max(h, w)));
  const pad = opts.pad ?? 2;
  const width = cols * w * s + (cols + 1) * pad;
  const height = rows * h * s + (rows + 1) * pad;
  const pixels = new Uint8Array(width * height).fill(255);
  let gmin = Infinity;
  let gmax = -Infinity;
  for (let i = 0; i < maps.length; i++) {
    gmin = Math.min(gmin, maps[i]);
    gmax = Math.max(gmax, maps[i]);
  }
  for (let t = 0; t < n; t++) {
    let lo = gmin;
    let hi = gmax;
    if (opts.perTile ?? true) {
      lo = Infinity;
      hi = -Infinity;
      for (let i = t * h * w; i < (t + 1) * h * w; i++) {
        lo = Math.min(lo, maps[i]);
        hi = Math.max(hi, maps[i]);
      }
    }
    const range = hi - lo || 1; // a constant map renders black, not NaN
    const ox = pad + (t % cols) * (w * s + pad);
    const oy = pad + Math.floor(t / cols) * (h * s + pad);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v = Math.round((255 * (maps[t * h * w + y * w + x] - lo)) / range);
        for (let dy = 0; dy < s; dy++) pixels.fill(v, (oy + y * s + dy) * width + ox + x * s, (oy + y * s + dy) * width + ox + (x + 1) * s);
      }
  }
  return { pixels, width, height };
}

/** tileMaps, encoded as a PNG file. */
export function mapsToPng(maps: ArrayLike<number>, n: number, h: number, w: number, opts: GridOptions = {}): Uint8Array {
  const g = tileMaps(maps, n, h, w, opts);
  return encodePng(g.pixels, g.width, g.height, 1);
}

/**
 * A grid of real images, one row per class: `perClass` examples of each class,
 * taken in split order. images: uint8 [N, H, W, C] with C = 1 or 3.
 * Returns an RGB or grayscale PNG; rows follow `classes` order.
 */
export function classGridPng(
  images: Uint8Array,
  labels: Uint8Array,
  shape: [number, number, number],
  numClasses: number,
  perClass: number,
  scale = 2,
): Uint8Array {
  const [h, w, c] = shape;
  const pad = 2;
  const width = perClass * (w * scale + pad) + pad;
  const height = numClasses * (h * scale + pad) + pad;
  const out = new Uint8Array(width * height * c).fill(255);
  const placed = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (placed[l] >= perClass) continue;
    const ox = pad + placed[l]++ * (w * scale + pad);
    const oy = pad + l * (h * scale + pad);
    for (let y = 0; y < h * scale; y++)
      for (let x = 0; x < w * scale; x++)
        for (let k = 0; k < c; k++)
          out[((oy + y) * width + ox + x) * c + k] = images[i * h * w * c + (Math.floor(y / scale) * w + Math.floor(x / scale)) * c + k];
    if (placed.every((p) => p >= perClass)) break;
  }
  return encodePng(out, width, height, c === 3 ? 3 : 1);
}

/**
 * An attention (or any) heat map laid over a grayscale image: the image in gray,
 * the heat in red, both upscaled. image: [H0·W0] values 0..255; heat: [h·w], any
 * range (min-max normalized), nearest-neighbour upsampled to H0×W0.
 */
export function overlayPng(
  image: ArrayLike<number>,
  h0: number,
  w0: number,
  heat: ArrayLike<number>,
  h: number,
  w: number,
  scale = 6,
): Uint8Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < heat.length; i++) {
    lo = Math.min(lo, heat[i]);
    hi = Math.max(hi, heat[i]);
  }
  const range = hi - lo || 1;
  const W = w0 * scale;
  const H = h0 * scale;
  const px = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const iy = Math.floor(y / scale);
      const ix = Math.floor(x / scale);
      const g = image[iy * w0 + ix] * 0.6;
      const a = (heat[Math.floor((iy * h) / h0) * w + Math.floor((ix * w) / w0)] - lo) / range;
      const o = (y * W + x) * 3;
      px[o] = Math.min(255, g + 255 * a * 0.8);
      px[o + 1] = g * (1 - 0.5 * a);
      px[o + 2] = g * (1 - 0.5 * a);
    }
  return encodePng(px, W, H, 3);
}
