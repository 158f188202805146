/**
 * `--until`: a sweep starts only the runs it expects to end by a given time, and leaves the rest in the plan for the
 * next sweep, untouched.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { backend } from './helpers/tf';
import { planSuite } from '../lib/experiments';
import { runSuite } from '../lib/sweep/engine';
import { fitsBefore, parseUntil, SLACK, takeFitting } from '../lib/sweep/deadline';
import { checkpointFile, checkpointSeconds, saveCheckpoint } from '../lib/train/checkpoint';
import { ResultStore } from '../lib/results/store';
import type { RunRecord } from '../lib/results/record';
import { PlainProgress } from '../lib/sweep/progress';
import { ROOT } from '../lib/util/paths';
import { tempDir } from './helpers/tmp';
import { STUDY } from '../study';

const quiet = (w: number): PlainProgress => new PlainProgress(w, () => undefined);

test('a run fits before the deadline only with its slack; with no clock rate, only while the deadline has not passed', () => {
  const now = 1_000_000;
  assert.equal(fitsBefore(now + 1000 * 100 * SLACK.seeds, now, { seconds: 100, basis: 'seeds' }), true);
  assert.equal(fitsBefore(now + 1000 * 100 * SLACK.seeds - 1, now, { seconds: 100, basis: 'seeds' }), false);
  assert.equal(
    fitsBefore(now + 1000 * 100 * SLACK.seeds, now, { seconds: 100, basis: 'work' }),
    false,
    'an estimate from other configs needs more slack',
  );
  assert.equal(fitsBefore(now + 1, now, { seconds: 1e12, basis: 'cap' }), true);
  assert.equal(fitsBefore(now, now, { seconds: 1, basis: 'cap' }), false);
});

test('the queue gives the first run that fits and keeps the order of the rest', () => {
  const plan = planSuite(STUDY, 'channel-vs-spatial', { preset: 'smoke', datasets: ['mnist'], seeds: [0] });
  const queue = [...plan];
  const got = takeFitting(queue, (p) => p.config.name === plan[2].config.name);
  assert.equal(got, plan[2]);
  assert.deepEqual(queue, [plan[0], plan[1], ...plan.slice(3)]);
  assert.equal(
    takeFitting(queue, () => false),
    undefined,
  );
  assert.equal(queue.length, plan.length - 1);
});

test('--until reads HH:MM as today only, tomorrow HH:MM, a duration, and a date and time; anything else is an error', () => {
  const now = new Date(2026, 10, 28, 7, 30);
  assert.equal(parseUntil('09:15', now), new Date(2026, 10, 28, 9, 15).getTime());
  // A time that has passed today is refused, not read as tomorrow; tomorrow and durations are said so.
  assert.throws(
    () => parseUntil('07:00', now),
    /'07:00' has already passed today \(it is 07:30\): write --until tomorrow 07:00, or a duration such as \+3h/,
  );
  assert.equal(parseUntil('tomorrow 07:00', now), new Date(2026, 10, 29, 7, 0).getTime());
  assert.equal(parseUntil('+3h', now), now.getTime() + 3 * 3600_000);
  assert.equal(parseUntil('+90m', now), now.getTime() + 90 * 60_000);
  assert.equal(parseUntil('+1h30m', now), now.getTime() + 90 * 60_000);
  assert.throws(() => parseUntil('+', now), /neither HH:MM, tomorrow HH:MM, a duration/);
  assert.throws(() => parseUntil('tomorrow soon', now), /tomorrow takes a time of day/);
  assert.equal(parseUntil('2026-11-28T08:00', now), new Date(2026, 10, 28, 8, 0).getTime());
  assert.throws(() => parseUntil('25:00', now), /not a time of day/);
  assert.throws(() => parseUntil('soon', now), /neither HH:MM, tomorrow HH:MM, a duration/);
  assert.throws(() => parseUntil('2026-11-27T08:00', now), /already passed/);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'ablation.js'), '--until', 'tomorrow'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--until: 'tomorrow' is neither HH:MM/);
});

/** A checkpoint header for run `id` that has trained `seconds` of wall time, in two segments; no tensors. */
function fakeCheckpoint(runDir: string, id: string, seconds: number): void {
  fs.mkdirSync(runDir, { recursive: true });
  const t0 = Date.parse('2026-11-28T05:00:00Z');
  const seg = (a: number, b: number): { started: string; ended: string } => ({
    started: new Date(t0 + a).toISOString(),
    ended: new Date(t0 + b).toISOString(),
  });
  const half = (seconds * 1000) / 2;
  // The gap between the two segments (a kill, a restart) is not the run's time.
  saveCheckpoint(
    runDir,
    {
      id,
      epoch: 2,
      step: 20,
      curve: [],
      rng: 1,
      optimizerSteps: 20,
      trainImages: 1,
      trainSeconds: 1,
      segments: [seg(0, half), seg(10 * half, 11 * half)],
    },
    {},
  );
}

test("a checkpoint's trained seconds are the sum of its segments; a missing, foreign or corrupt one counts 0", () => {
  const dir = tempDir('ckpt');
  assert.equal(checkpointSeconds(dir, 'a'), 0);
  fakeCheckpoint(dir, 'a', 120);
  assert.equal(checkpointSeconds(dir, 'a'), 120);
  assert.equal(checkpointSeconds(dir, 'b'), 0);
  fs.writeFileSync(checkpointFile(dir), 'MTCK\xff\xff');
  assert.equal(checkpointSeconds(dir, 'a'), 0);
});

test('a sweep with --until trains only what fits, in one process or in workers, and leaves the rest for the next sweep', async () => {
  await backend();
  const dir = tempDir('until');
  const opts = {
    study: STUDY,
    suite: 'channel-vs-spatial',
    preset: 'smoke' as const,
    datasets: ['mnist'],
    resultsDir: dir,
    progress: quiet,
  };
  // Seed 0 times every config; seed 1 then has a clock estimate from it.
  const first = await runSuite({ ...opts, seeds: [0] });
  assert.equal(first.trained, 4);
  // Smoke runs take a second or so, in which the clock moves as much as a deadline would: stretch each stored run's
  // time to 1000 s, 2000 s, … so that what fits depends on the rule alone.
  const file = path.join(dir, 'runs.jsonl');
  const stretched = fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l, i) => ({ ...JSON.parse(l), seconds: 1000 * (i + 1) }));
  fs.writeFileSync(file, stretched.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const lines = fs.readFileSync(file, 'utf8');
  for (const workers of [1, 2]) {
    // A deadline no run can meet: nothing starts and the store is not touched.
    const none = await runSuite({ ...opts, seeds: [0, 1], workers, until: Date.now() + 1 });
    assert.equal(none.trained, 0, `workers=${workers}`);
    assert.equal(none.cached, 4);
    assert.deepEqual(
      none.deferred.map((p) => p.config.seed),
      [1, 1, 1, 1],
    );
    assert.equal(fs.readFileSync(file, 'utf8'), lines);
  }
  // A run whose checkpoint has trained as long as its seed 0 took needs only the rest (a quarter, at least): with a
  // deadline that no whole run meets, it alone fits. It is the quickest config (1000 s), so that every other needs more.
  const seed0 = stretched[0] as RunRecord;
  const resumed = planSuite(STUDY, opts.suite, { preset: 'smoke', datasets: ['mnist'], seeds: [1] }).find(
    (p) => p.config.name === seed0.name,
  )!;
  fakeCheckpoint(new ResultStore({ dir }).runDir(resumed.id), resumed.id, seed0.seconds);
  assert.ok(SLACK.seeds / 4 < 1.2 && 1.2 < SLACK.seeds);
  const one = await runSuite({ ...opts, seeds: [0, 1], workers: 2, until: Date.now() + 1000 * seed0.seconds * 1.2 });
  assert.equal(one.trained, 1);
  assert.deepEqual(
    one.records.filter((r) => r.seed === 1).map((r) => r.id),
    [resumed.id],
  );
  assert.equal(one.deferred.length, 3);
  // A deadline far off: the runs left train, and none is left over.
  const rest = await runSuite({ ...opts, seeds: [0, 1], workers: 2, until: Date.now() + 86_400_000 });
  assert.equal(rest.trained, 3);
  assert.equal(rest.deferred.length, 0);
  assert.equal(rest.records.length, 8);
});
