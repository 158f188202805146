/**
 * A real IDX parser (the format of the original MNIST and Fashion-MNIST files,
 * LeCun et al.): big-endian magic 0x0000 <type> <ndims>, then ndims uint32
 * dimensions, then the data. Only unsigned bytes (type 0x08) are used by these
 * datasets. Gzipped files (.gz, as downloaded) are inflated first.
 * Every check failure names the file and what is wrong.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { DataError, type Split } from './types';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(buf: Uint8Array, file: string): IdxArray {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch (e) {
      throw new DataError(file, `corrupt gzip data (${(e as Error).message})`);
    }
  }
  if (buf.length < 4) throw new DataError(file, `truncated: ${buf.length} bytes, not even an IDX header`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0);
  if (buf[0] !== 0 || buf[1] !== 0)
    throw new DataError(file, `wrong magic number 0x${magic.toString(16).padStart(8, '0')}: not an IDX file`);
  if (buf[2] !== 0x08) throw new DataError(file, `IDX data type 0x${buf[2].toString(16)} is not unsigned byte (0x08)`);
  const ndims = buf[3];
  if (ndims < 1 || ndims > 4) throw new DataError(file, `IDX header claims ${ndims} dimensions`);
  const header = 4 + 4 * ndims;
  if (buf.length < header) throw new DataError(file, `truncated: header needs ${header} bytes, file has ${buf.length}`);
  const dims = Array.from({ length: ndims }, (_, i) => dv.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const got = buf.length - header;
  if (got < expected) throw new DataError(file, `truncated: dimensions ${dims.join('×')} need ${expected} data bytes, file has ${got}`);
  if (got > expected) throw new DataError(file, `${got - expected} unexpected bytes after the ${dims.join('×')} data`);
  return { dims, data: buf.subarray(header) };
}

export function readIdx(file: string): IdxArray {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new DataError(file, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseIdx(buf, file);
}

/** Reads an images file ([N, H, W]) and a labels file ([N]) that must agree. */
export function readIdxPair(imagesFile: string, labelsFile: string): Split & { h: number; w: number } {
  const img = readIdx(imagesFile);
  const lab = readIdx(labelsFile);
  if (img.dims.length !== 3) throw new DataError(imagesFile, `expected 3 dimensions (N, H, W), got ${img.dims.length}`);
  if (lab.dims.length !== 1) throw new DataError(labelsFile, `expected 1 dimension (N), got ${lab.dims.length}`);
  if (img.dims[0] !== lab.dims[0]) {
    throw new DataError(imagesFile, `${img.dims[0]} images but ${labelsFile} has ${lab.dims[0]} labels`);
  }
  return { images: img.data, labels: lab.data, n: img.dims[0], h: img.dims[1], w: img.dims[2] };
}
