/**
 * A deterministic sample picture for set-up checks and demos: a ring and a bar on
 * a dark background, 28×28 like MNIST. No file and no network needed, so the
 * 00_setup notebook works before any dataset is present.
 */

/** Returns [H, W] values in [0, 1], row-major. */
export function sampleImage(size = 28): Float32Array {
  const img = new Float32Array(size * size);
  const c = size * 0.38;
  const r = size * 0.22;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const ring = Math.max(0, 1 - Math.abs(d - r) / 1.5);
      // a bar from lower-left to the right edge, so diagonal filters respond
      const bar = Math.abs(y - (size * 0.95 - 0.5 * x)) < 1.2 && x > size * 0.35 ? 1 : 0;
      img[y * size + x] = Math.min(1, ring + bar);
    }
  return img;
}
