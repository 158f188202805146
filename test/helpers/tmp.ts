/**
 * Scratch directories for tests, removed when the test file's tests are done, whether they
 * passed or failed: a test run leaves nothing of its own in the system's temp directory.
 */
import { after } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const made: string[] = [];

// Registered when the helper is first imported, at a test file's top level: a root hook,
// so it runs once after every test of the file.
after(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory named `maptokens-<what>-XXXXXX` under the system's temp directory. */
export function tempDir(what: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `maptokens-${what}-`));
  made.push(dir);
  return dir;
}
