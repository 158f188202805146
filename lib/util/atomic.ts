/**
 * Atomic file writes: write to a temporary file in the same folder, fsync, then
 * rename over the target. A crash or a kill at any point leaves either the old
 * file or the new one, never half of one. Appends to the result store use
 * appendLineAtomic, which writes one whole line with a single write(2) on an
 * O_APPEND descriptor and fsyncs it.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Not Math.random: a training run has it seeded, and a checkpoint written mid-run must not move its dropout masks.
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Appends one line (a newline is added) in a single write; the line must not contain a newline. */
export function appendLineAtomic(file: string, line: string): void {
  if (line.includes('\n')) throw new Error('appendLineAtomic: the line contains a newline');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, Buffer.from(`${line}\n`));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
