/**
 * The report built for real (nbclient and the tslab kernel, Chromium): a second build with
 * nothing changed executes nothing and rewrites nothing, a changed store re-executes, and the
 * PDF reads as a document (the answer and its figure first, the claims table by page two, no navigation or code toggle, page numbers).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildReport } from '../../lib/report/export';
import { printPdf } from '../../lib/report/render';
import { ROOT } from '../../lib/util/paths';
import { tempDir } from '../helpers/tmp';
import { STUDY } from '../../study';

/** Path → sha256 of every file under dir. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

test('a second report build executes nothing and rewrites nothing; a changed store re-executes', { timeout: 600_000 }, async () => {
  const dir = tempDir('report');
  const quiet = (): void => undefined;
  // A corrupt store line: said in the header with a path relative to the repository.
  fs.mkdirSync(path.join(dir, 'smoke'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'smoke', 'runs.jsonl'), '{broken\n');
  const first = await buildReport({ study: STUDY, preset: 'smoke', notebooks: ['00_setup', '01_data'], resultsDir: dir, log: quiet });
  assert.equal(first.executed, 2);
  const page = fs.readFileSync(path.join(dir, 'report-smoke', '00_setup.html'), 'utf8');
  assert.match(page, /<h1>Can feature maps be tokens\? · 00_setup<\/h1>/);
  assert.match(page, /built from commit [0-9a-f]{7,} of \d{4}-\d{2}-\d{2}|built outside a git checkout/);
  assert.match(page, /unreadable line.*runs\.jsonl:1: not valid JSON/s);
  assert.doesNotMatch(page, /\.\.\/results\/runs\.jsonl/, 'store paths must be relative to the repository');
  assert.match(page, /body:not\(\.maptokens-show-code\) \.jp-CodeCell \.jp-Cell-inputWrapper\{display:none\}/);
  assert.match(page, /href="\.\.\/\.\.\/notebooks\/00_setup\.ipynb"/);

  const before = snapshot(dir);
  const second = await buildReport({ study: STUDY, preset: 'smoke', notebooks: ['00_setup', '01_data'], resultsDir: dir, log: quiet });
  assert.equal(second.executed, 0, 'the second build executed a notebook whose inputs did not change');
  assert.equal(second.converted, 0, 'the second build converted a page whose notebook, header and links did not change');
  assert.deepEqual(snapshot(dir), before, 'the second build changed files');

  // The store is an input: a new record makes the execution stale.
  fs.appendFileSync(path.join(dir, 'smoke', 'runs.jsonl'), '{"also broken"\n');
  const third = await buildReport({ study: STUDY, preset: 'smoke', notebooks: ['00_setup', '01_data'], resultsDir: dir, log: quiet });
  assert.equal(third.executed, 2);
});

test('the printed report is a document: the answer on page one, its figure and the claims table next, no navigation or code toggle, page numbers', {
  timeout: 300_000,
}, async () => {
  const html = path.join(ROOT, 'results', 'report.html');
  const pdf = path.join(tempDir('pdf'), 'report.pdf');
  await printPdf(html, pdf);
  const text = (first: number, last = first): string => {
    const r = spawnSync('pdftotext', ['-layout', '-f', String(first), '-l', String(last), pdf, '-'], { encoding: 'utf8' });
    assert.equal(
      r.status,
      0,
      `pdftotext failed (apt-get install -y poppler-utils; npm ci does it as root): ${r.error?.message ?? r.stderr}`,
    );
    return r.stdout;
  };
  // 99 opens with the answer in a few sentences and one figure, then the claims table: a reader has all three by page two.
  const one = text(1);
  assert.match(one, /99 · Report: can feature maps be tokens\?/, 'the answer does not start on page one');
  assert.match(one, /Can I convolve an image n times/, 'the question is not on page one');
  const two = text(1, 2);
  assert.match(two, /The question's claims: test accuracy per tokenizer and task/, 'the figure of the answer is not on page one or two');
  assert.match(two, /The question's claims, tested one by one/, 'the claims table does not start by page two');
  const pages = +(/^\s*1 \/ (\d+)\s*$/m.exec(one)?.[1] ?? NaN);
  assert.ok(pages > 1, 'page one has no "1 / N" page number');
  assert.match(text(pages), new RegExp(`^\\s*${pages} / ${pages}\\s*$`, 'm'), 'the last page is not numbered N / N');
  const all = text(1, pages);
  assert.doesNotMatch(all, /show \/ hide code/, 'the code toggle is printed');
  assert.doesNotMatch(all, /00_setup\s+01_data\s+02_tokenizers/, 'the navigation bar is printed');
});
