/**
 * Run identity across schema changes: the committed store, copied, reads through the
 * migration with no record lost, every record under the id its config hashes to now,
 * and rewriting the files is idempotent.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { experimentHash, SCHEMA_VERSION } from '../lib/experiments/config';
import { migrateRecord, migrateStoreFiles } from '../lib/results/migrate';
import type { RunRecord } from '../lib/results/record';
import { ResultStore } from '../lib/results/store';
import { ROOT } from '../lib/util/paths';

function copyStore(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maptokens-migrate-'));
  fs.copyFileSync(path.join(ROOT, 'results', 'runs.jsonl'), path.join(dir, 'runs.jsonl'));
  fs.cpSync(path.join(ROOT, 'results', 'runs'), path.join(dir, 'runs'), { recursive: true });
  return dir;
}

const rawLines = (f: string): RunRecord[] =>
  fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RunRecord);

test('the committed store reads through the migration with no record lost', () => {
  const dir = copyStore();
  const raw = rawLines(path.join(dir, 'runs.jsonl'));
  const read = new ResultStore({ dir }).read();
  assert.deepEqual(read.problems, []);
  assert.equal(read.records.length, new Set(raw.map((r) => r.id)).size, 'records lost or merged');
  for (const r of read.records) {
    assert.equal(r.schema, SCHEMA_VERSION);
    assert.equal(r.id, experimentHash({ dataset: r.data, model: r.model, train: r.train, seed: r.seed }), 'id is not the hash of the config');
    // Nothing but the identity and the filled-in defaults changed.
    const old = raw.find((x) => x.id === (r.previousIds?.at(-1) ?? r.id));
    assert.ok(old, `record ${r.id} has no source line`);
    assert.deepEqual(r.metrics, old.metrics);
    // Old keys keep their values; new keys take the values the old code implied.
    for (const [k, v] of Object.entries(old.data)) assert.deepEqual((r.data as unknown as Record<string, unknown>)[k], v, `data.${k}`);
    for (const [k, v] of Object.entries(old.train)) assert.deepEqual((r.train as unknown as Record<string, unknown>)[k], v, `train.${k}`);
    if ((old.schema ?? 1) === 1) {
      assert.equal(r.data.version, 1, 'an old record was made with the first generator');
      assert.equal(r.train.patienceSteps, null, 'old runs trained fixed epochs');
      assert.equal(r.converged, false, 'old runs were never judged converged');
    }
  }
  // Every old record changed id (the schema entered the hash) and remembers the old one.
  for (const old of raw.filter((x) => (x.schema ?? 1) < SCHEMA_VERSION)) {
    const r = read.records.find((x) => x.previousIds?.includes(old.id));
    assert.ok(r && r.id !== old.id, `old record ${old.id} is not readable under a new id`);
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
  const dir = copyStore();
  const before = new ResultStore({ dir }).read().records;
  const first = migrateStoreFiles([path.join(dir, 'runs.jsonl')], path.join(dir, 'runs'));
  assert.ok(first.migrated > 0);
  const lines = rawLines(path.join(dir, 'runs.jsonl'));
  assert.ok(lines.every((r) => r.schema === SCHEMA_VERSION));
  for (const r of lines) if (r.previousIds) assert.ok(!fs.existsSync(path.join(dir, 'runs', r.previousIds.at(-1)!)) || fs.existsSync(path.join(dir, 'runs', r.id)));
  const second = migrateStoreFiles([path.join(dir, 'runs.jsonl')], path.join(dir, 'runs'));
  assert.equal(second.migrated, 0);
  assert.deepEqual(new ResultStore({ dir }).read().records, before);
});

test('schema 2 block flags become the recipe they described; a combination nobody built is refused', () => {
  const r = rawLines(path.join(ROOT, 'results', 'runs.jsonl'))[0];
  const { block, ...rest } = r.model;
  void block;
  const v2 = (flags: Record<string, unknown>): RunRecord => ({ ...r, schema: 2, previousIds: undefined, id: 'e'.repeat(16), model: { ...rest, ...flags } as unknown as RunRecord['model'] });
  const cases: [Record<string, unknown>, string][] = [
    [{ block: 'vit', qkNorm: false, localMixing: false, window: 7 }, 'vit'],
    [{ block: 'vit', qkNorm: true, localMixing: false, window: 7 }, 'vit-cosine'],
    [{ block: 'vit', qkNorm: false, localMixing: true, window: 7 }, 'vit-mapmix'],
    [{ block: 'xca', qkNorm: false, localMixing: true, window: 7 }, 'xcit'],
    [{ block: 'dual', qkNorm: false, localMixing: true, window: 7 }, 'davit'],
  ];
  for (const [flags, name] of cases) assert.equal(migrateRecord(v2(flags)).model.block, name, JSON.stringify(flags));
  assert.throws(() => migrateRecord(v2({ block: 'vit', qkNorm: true, localMixing: true, window: 7 })), /no block recipe for block vit, qkNorm true, localMixing true/);
});

test('a record from a newer schema is refused, not misread', () => {
  const r = rawLines(path.join(ROOT, 'results', 'runs.jsonl'))[0];
  assert.throws(() => migrateRecord({ ...r, schema: SCHEMA_VERSION + 1 }), /newer than this code/);
});
