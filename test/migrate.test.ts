/**
 * Run identity across schema changes: old lines (one of each schema the store has held)
 * read through the migration with no record lost, each under the id its config hashes to
 * now and as the committed store (rewritten by `npm run migrate`) holds it; rewriting the
 * files moves the run folders and is idempotent.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { experimentHash, SCHEMA_VERSION } from '../lib/experiments/config';
import { planSuite } from '../lib/experiments';
import { migrateRecord, migrateStoreFiles, renameRunIds } from '../lib/results/migrate';
import type { RunRecord } from '../lib/results/record';
import { ResultStore } from '../lib/results/store';
import { ROOT } from '../lib/util/paths';
import { tempDir } from './helpers/tmp';
import { STUDY } from '../study';

/**
 * Lines as older schemas wrote them: one record of each schema, preset and kind of tokenizer
 * that the committed store held before it was rewritten under schema 6 (`npm run migrate`).
 * The committed store holds each of them, migrated, under its new id.
 */
const OLD = path.join(ROOT, 'test', 'fixtures', 'store-schema-1-to-5.jsonl');

const rawLines = (f: string): RunRecord[] =>
  fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RunRecord);

/** A results folder holding the old lines, each with a run folder under its old id. */
function oldStore(): string {
  const dir = tempDir('migrate');
  fs.copyFileSync(OLD, path.join(dir, 'runs.jsonl'));
  for (const r of rawLines(OLD)) {
    fs.mkdirSync(path.join(dir, 'runs', r.id), { recursive: true });
    fs.writeFileSync(path.join(dir, 'runs', r.id, 'log.txt'), r.id);
  }
  return dir;
}

test('the committed store is current: every record under the id its config hashes to, none lost', () => {
  const raw = rawLines(path.join(ROOT, 'results', 'runs.jsonl'));
  const read = new ResultStore({ dir: path.join(ROOT, 'results') }).read();
  assert.deepEqual(read.problems, []);
  assert.equal(read.records.length, new Set(raw.map((r) => r.id)).size, 'records lost or merged');
  for (const r of read.records) {
    assert.equal(r.schema, SCHEMA_VERSION);
    assert.equal(
      r.id,
      experimentHash({ dataset: r.data, model: r.model, train: r.train, seed: r.seed }),
      'id is not the hash of the config',
    );
  }
});

test('old records read through the migration as the committed store holds them, keys and values kept', () => {
  const dir = oldStore();
  const raw = rawLines(OLD);
  const read = new ResultStore({ dir }).read();
  assert.deepEqual(read.problems, []);
  assert.equal(read.records.length, raw.length, 'records lost or merged');
  const committed = rawLines(path.join(ROOT, 'results', 'runs.jsonl'));
  for (const r of read.records) {
    assert.equal(r.schema, SCHEMA_VERSION);
    assert.equal(
      r.id,
      experimentHash({ dataset: r.data, model: r.model, train: r.train, seed: r.seed }),
      'id is not the hash of the config',
    );
    const old = raw.find((x) => x.id === r.previousIds?.at(-1));
    assert.ok(old && r.id !== old.id, `record ${r.id} has no source line under an old id`);
    // Nothing but the identity and the filled-in defaults changed.
    assert.deepEqual(r.metrics, old.metrics);
    for (const [k, v] of Object.entries(old.data)) assert.deepEqual((r.data as unknown as Record<string, unknown>)[k], v, `data.${k}`);
    for (const [k, v] of Object.entries(old.train)) assert.deepEqual((r.train as unknown as Record<string, unknown>)[k], v, `train.${k}`);
    if ((old.schema ?? 1) === 1) {
      assert.equal(r.data.version, 1, 'an old record was made with the first generator');
      assert.equal(r.train.patienceSteps, null, 'old runs trained fixed epochs');
      assert.equal(r.converged, false, 'old runs were never judged converged');
    }
    // The committed store was rewritten by this same migration.
    assert.deepEqual(
      committed.find((c) => c.id === r.id),
      r,
      `the committed store does not hold ${old.id} as its migration gives it`,
    );
  }
});

test('a first-schema record (no literature keys, no schema) migrates to the id its filled-in config hashes to', () => {
  const r = rawLines(path.join(ROOT, 'results', 'runs.jsonl'))[0];
  const { block, ...v1model } = r.model;
  void block;
  const v1 = { ...r, model: v1model as RunRecord['model'], schema: undefined, previousIds: undefined, id: 'f'.repeat(16) };
  const m = migrateRecord(v1);
  assert.equal(m.model.block, 'vit');
  assert.ok(!('qkNorm' in m.model) && !('localMixing' in m.model) && !('window' in m.model), 'the flags are gone after the last step');
  assert.equal(m.id, experimentHash({ dataset: m.data, model: m.model, train: m.train, seed: m.seed }));
  assert.deepEqual(m.previousIds, ['f'.repeat(16)]);
  assert.equal(migrateRecord(m), m, 'a current record is returned as it is');
});

test('rewriting the store files is idempotent and moves run folders to the new ids', () => {
  const dir = oldStore();
  const before = new ResultStore({ dir }).read().records;
  const first = migrateStoreFiles([path.join(dir, 'runs.jsonl')], path.join(dir, 'runs'));
  assert.equal(first.migrated, rawLines(OLD).length);
  const lines = rawLines(path.join(dir, 'runs.jsonl'));
  assert.ok(lines.every((r) => r.schema === SCHEMA_VERSION));
  for (const r of lines) {
    assert.ok(!fs.existsSync(path.join(dir, 'runs', r.previousIds!.at(-1)!)), `${r.previousIds!.at(-1)} was not moved`);
    assert.equal(
      fs.readFileSync(path.join(dir, 'runs', r.id, 'log.txt'), 'utf8'),
      r.previousIds!.at(-1),
      `${r.id} does not hold its old folder`,
    );
  }
  const second = migrateStoreFiles([path.join(dir, 'runs.jsonl')], path.join(dir, 'runs'));
  assert.equal(second.migrated, 0);
  assert.deepEqual(new ResultStore({ dir }).read().records, before);
});

test('schema 2 block flags become the recipe they described; a combination nobody built is refused', () => {
  const r = rawLines(path.join(ROOT, 'results', 'runs.jsonl'))[0];
  const { block, ...rest } = r.model;
  void block;
  const v2 = (flags: Record<string, unknown>): RunRecord => ({
    ...r,
    schema: 2,
    previousIds: undefined,
    id: 'e'.repeat(16),
    model: { ...rest, ...flags } as unknown as RunRecord['model'],
  });
  const cases: [Record<string, unknown>, string][] = [
    [{ block: 'vit', qkNorm: false, localMixing: false, window: 7 }, 'vit'],
    [{ block: 'vit', qkNorm: true, localMixing: false, window: 7 }, 'vit-cosine'],
    [{ block: 'vit', qkNorm: false, localMixing: true, window: 7 }, 'vit-mapmix'],
    [{ block: 'xca', qkNorm: false, localMixing: true, window: 7 }, 'xcit'],
    [{ block: 'dual', qkNorm: false, localMixing: true, window: 7 }, 'davit'],
  ];
  for (const [flags, name] of cases) assert.equal(migrateRecord(v2(flags)).model.block, name, JSON.stringify(flags));
  assert.throws(
    () => migrateRecord(v2({ block: 'vit', qkNorm: true, localMixing: true, window: 7 })),
    /no block recipe for block vit, qkNorm true, localMixing true/,
  );
});

test('schema 5 learned-map runs, which had no position embedding whatever their config said, are served to the position-free arms', () => {
  const raw = rawLines(OLD);
  const learned = (r: RunRecord) => r.model.tokenizer === 'filter' || r.model.tokenizer === 'learned-maps';
  const old = raw.filter((r) => (r.schema ?? 1) === 5 && learned(r) && r.status === 'ok');
  assert.ok(old.length > 0, 'the old lines have schema 5 learned-map runs');
  const planned = new Map(planSuite(STUDY, 'learned-maps,learned-map-count', { preset: 'standard' }).map((p) => [p.id, p.config.name]));
  for (const r of old) {
    const m = migrateRecord(r);
    assert.equal(m.model.positionEmbedding, 'none', `${r.name}: migrated config`);
    assert.equal(planned.get(m.id), r.name, `${r.name} on ${r.dataset} seed ${r.seed}: the plan has no position-free arm under its new id`);
  }
  // Every other model keeps its position embedding.
  const other = raw.find((r) => (r.schema ?? 1) === 5 && !learned(r))!;
  assert.equal(migrateRecord(other).model.positionEmbedding, other.model.positionEmbedding);
});

test("the twin's whole-run pairs follow their runs to the current ids, and only theirs", () => {
  const dir = oldStore();
  const old = rawLines(OLD);
  const twin = path.join(dir, 'twin.jsonl');
  fs.writeFileSync(
    twin,
    [JSON.stringify({ id: old[0].id, name: 'a' }), JSON.stringify({ id: 'f'.repeat(16), name: 'b' }), 'not json'].join('\n'),
  );
  migrateStoreFiles([path.join(dir, 'runs.jsonl')], path.join(dir, 'runs'));
  const records = new ResultStore({ dir }).read().records;
  assert.equal(renameRunIds(twin, records), 1);
  const lines = fs.readFileSync(twin, 'utf8').split('\n');
  assert.equal(JSON.parse(lines[0]).id, records.find((r) => r.previousIds?.includes(old[0].id))!.id);
  assert.deepEqual(lines.slice(1), [JSON.stringify({ id: 'f'.repeat(16), name: 'b' }), 'not json']);
  assert.equal(renameRunIds(twin, records), 0, 'idempotent');
  // The committed twin store names no run by an id it had before.
  const previous = new Set(rawLines(path.join(ROOT, 'results', 'runs.jsonl')).flatMap((r) => r.previousIds ?? []));
  for (const p of rawLines(path.join(ROOT, 'results', 'twin', 'runs.jsonl')))
    assert.ok(!previous.has(p.id), `results/twin/runs.jsonl names ${p.id}, an old id: npm run migrate`);
});

test('a record from a newer schema is refused, not misread', () => {
  const r = rawLines(path.join(ROOT, 'results', 'runs.jsonl'))[0];
  assert.throws(() => migrateRecord({ ...r, schema: SCHEMA_VERSION + 1 }), /newer than this code/);
});

test('npm run migrate keeps an unreadable line as it is and says so, as the store does', () => {
  const dir = oldStore();
  const file = path.join(dir, 'runs.jsonl');
  fs.appendFileSync(file, '{"id": "cut short\n');
  const r = migrateStoreFiles([file], path.join(dir, 'runs'));
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0].line, rawLines(OLD).length + 1);
  assert.match(ResultStore.describeProblems(r.problems)[0], /runs\.jsonl:\d+: not valid JSON .*; truncated or corrupted; skipped/);
  assert.ok(fs.readFileSync(file, 'utf8').includes('{"id": "cut short'), 'the unreadable line was dropped');
  // The command prints it, on stderr, in the store's words.
  const out = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'migrate.js'), '--results', dir], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /1 unreadable line\(s\) kept as they are/);
  assert.match(out.stderr, /store problem: .*runs\.jsonl:\d+: not valid JSON/);
});
