/**
 * Scratch directories for tests, removed when the test file's tests are done, whether they
 * passed or failed: a test run leaves nothing of its own in the system's temp directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];

// On the exit of the test file's process (node --test runs each file in its own), not in a
// node:test hook: a root after() in a file with no tests, as this one is when the runner
// picks up dist/test/helpers/, never ends (Node 20 ran out of heap on it).
process.on('exit', () => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory named `maptokens-<what>-XXXXXX` under the system's temp directory. */
export function tempDir(what: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `maptokens-${what}-`));
  made.push(dir);
  return dir;
}
