/**
 * A decoded dataset cached as one file: a JSON header line {key, meta, extra},
 * then train images, train labels, test images, test labels as raw bytes.
 * Written atomically; a cache whose key differs (the source changed) or whose
 * size does not add up is ignored and rebuilt, never trusted.
 */
import * as fs from 'node:fs';
import { writeFileAtomic } from '../util/atomic';
import type { Dataset } from './types';

export function writeDatasetCache(file: string, key: string, ds: Dataset, extra: unknown = null): void {
  const head = Buffer.from(`${JSON.stringify({ key, meta: ds.meta, extra })}\n`);
  writeFileAtomic(file, Buffer.concat([head, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]));
}

export function readDatasetCache<E = unknown>(file: string, key: string): (Dataset & { extra: E }) | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const buf = fs.readFileSync(file);
    const nl = buf.indexOf(10);
    const head = JSON.parse(buf.subarray(0, nl).toString()) as { key: string; meta: Dataset['meta']; extra: E };
    if (head.key !== key) return undefined;
    const per = head.meta.shape[0] * head.meta.shape[1] * head.meta.shape[2];
    const { train: ntr, test: nte } = head.meta.splitSizes;
    const body = buf.subarray(nl + 1);
    if (body.length !== (ntr + nte) * (per + 1)) return undefined;
    let o = 0;
    const take = (len: number): Uint8Array => body.subarray(o, (o += len));
    return {
      meta: head.meta,
      train: { images: take(ntr * per), labels: take(ntr), n: ntr },
      test: { images: take(nte * per), labels: take(nte), n: nte },
      extra: head.extra,
    };
  } catch {
    return undefined;
  }
}
