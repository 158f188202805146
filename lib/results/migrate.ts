/**
 * Old records, read under the current run identity. Each step brings a record from
 * one config schema to the next; after the last, its id is recomputed with the
 * current experimentHash and its old id kept in `previousIds`. The store applies
 * this as it reads, so no stored result is ever lost to a schema change; `npm run
 * migrate` also rewrites the store files (and renames results/runs/<id>/) so that
 * they say what they mean.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { experimentHash, SCHEMA_VERSION } from '../experiments/config';
import type { BlockName } from '../models/blocks';
import { writeFileAtomic } from '../util/atomic';
import type { RunRecord } from './record';

interface Step {
  from: number;
  /** What changed, for the log. */
  what: string;
  apply(r: RunRecord): RunRecord;
}

const STEPS: Step[] = [
  {
    from: 1,
    what:
      'model configs gain the literature keys with their old defaults (block vit, no qkNorm, no localMixing, window 7); train configs gain early stopping, off; ' +
      'dataset specs gain the generator version they were made with (1); ' +
      "the record says it was not judged for convergence and that its test accuracy is the last epoch's",
    apply: (r) => {
      const last = r.metrics.curve[r.metrics.curve.length - 1];
      const m = r.model as unknown as Record<string, unknown>; // a schema-1 model: the literature keys may be absent
      return {
        ...r,
        model: {
          ...m,
          block: m.block ?? 'vit',
          qkNorm: m.qkNorm ?? false,
          localMixing: m.localMixing ?? false,
          window: m.window ?? 7,
        } as unknown as RunRecord['model'],
        train: { ...r.train, patienceSteps: null, minSteps: 0, minDelta: 0 },
        // Every dataset was at its first generator then; relation and appearance have changed since.
        data: { ...r.data, version: r.data.version ?? 1 },
        converged: false,
        convergence: {
          rule: 'recorded before convergence was tracked: fixed epochs, test accuracy of the last epoch (no model selection)',
          selectedEpoch: last?.epoch ?? 0,
          selectedStep: 0,
          stoppedEarly: false,
        },
      };
    },
  },
  {
    from: 2,
    what: 'the block flags (block, qkNorm, localMixing, window) become one block recipe name: vit, vit-cosine, vit-mapmix, xca, xcit or davit',
    apply: (r) => {
      const { qkNorm, localMixing, window, ...model } = r.model as unknown as Record<string, unknown>;
      return {
        ...r,
        model: {
          ...model,
          block: blockNameOf(String(model.block), qkNorm === true, localMixing === true, Number(window)),
        } as unknown as RunRecord['model'],
      };
    },
  },
  {
    from: 3,
    what: 'model configs gain mapTokens with its default (16); no model before it had learned maps',
    apply: (r) => ({ ...r, model: { ...r.model, mapTokens: (r.model as Partial<RunRecord['model']>).mapTokens ?? 16 } }),
  },
  {
    from: 4,
    what: 'train configs gain cooldownFraction, null: every run before it decayed its rate by cosine to the epoch cap',
    apply: (r) => ({ ...r, train: { ...r.train, cooldownFraction: (r.train as Partial<RunRecord['train']>).cooldownFraction ?? null } }),
  },
  {
    from: 5,
    what: "the learned-map tokenizers (filter, learned-maps) read positionEmbedding; every run of them before it had none, whatever the key said: 'none'",
    apply: (r) =>
      r.model.tokenizer === 'filter' || r.model.tokenizer === 'learned-maps'
        ? { ...r, model: { ...r.model, positionEmbedding: 'none' } }
        : r,
  },
];

/** The recipe that schema 2's block flags described; every combination that was ever built has one. */
function blockNameOf(block: string, qkNorm: boolean, localMixing: boolean, window: number): BlockName {
  const name = (
    {
      'vit|false|false': 'vit',
      'vit|true|false': 'vit-cosine',
      'vit|false|true': 'vit-mapmix',
      'xca|false|false': 'xca',
      'xca|false|true': 'xcit',
      'dual|false|true': 'davit',
    } as Record<string, BlockName>
  )[`${block}|${qkNorm}|${localMixing}`];
  if (!name || (block === 'dual' && window !== 7))
    throw new Error(
      `no block recipe for block ${block}, qkNorm ${qkNorm}, localMixing ${localMixing}, window ${window}: add one to lib/models/blocks.ts`,
    );
  return name;
}

export function schemaOf(r: RunRecord): number {
  return r.schema ?? 1;
}

/** The record under the current schema and id (itself when it is current). Throws for a record from the future. */
export function migrateRecord(r: RunRecord): RunRecord {
  const from = schemaOf(r);
  if (from === SCHEMA_VERSION) return r;
  if (from > SCHEMA_VERSION)
    throw new Error(`record ${r.id} has schema ${from}, newer than this code's ${SCHEMA_VERSION}: update the workspace`);
  let out = r;
  for (let v = from; v < SCHEMA_VERSION; v++) {
    const step = STEPS.find((s) => s.from === v);
    if (!step) throw new Error(`no migration from schema ${v} (lib/results/migrate.ts)`);
    out = step.apply(out);
  }
  const id = experimentHash({ dataset: out.data, model: out.model, train: out.train, seed: out.seed });
  return { ...out, id, schema: SCHEMA_VERSION, previousIds: [...(r.previousIds ?? []), r.id] };
}

/**
 * Rewrites every store file of a results folder under the current schema (atomically,
 * one file at a time) and renames each migrated run's folder to its new id. Lines that
 * do not parse are kept as they are, for the store to keep reporting them.
 */
export function migrateStoreFiles(
  files: string[],
  runsDir: string,
): { migrated: number; current: number; problems: { file: string; line: number; reason: string }[] } {
  let migrated = 0;
  let current = 0;
  const problems: { file: string; line: number; reason: string }[] = [];
  for (const file of files) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const out = lines.map((text, i) => {
      if (text.trim() === '') return text;
      let r: RunRecord;
      try {
        r = JSON.parse(text) as RunRecord;
      } catch (e) {
        // Kept as it is, and said, in the words the store uses when it reads (ResultStore.describeProblems).
        problems.push({ file, line: i + 1, reason: `not valid JSON (${(e as Error).message.split('\n')[0]}); truncated or corrupted` });
        return text;
      }
      const m = migrateRecord(r);
      if (m === r) {
        current++;
        return text;
      }
      migrated++;
      const from = path.join(runsDir, r.id);
      const to = path.join(runsDir, m.id);
      if (fs.existsSync(from) && !fs.existsSync(to)) fs.renameSync(from, to);
      return JSON.stringify(m);
    });
    if (out.join('\n') !== lines.join('\n')) writeFileAtomic(file, out.join('\n'));
  }
  return { migrated, current, problems };
}

/**
 * Rewrites the `id` of each line of a file that names runs by their experiment id (the
 * twin's whole-run pairs, results/twin/runs.jsonl) through the store's migrated records:
 * an id that a record keeps in `previousIds` becomes that record's id. Lines naming no
 * migrated run, and lines that do not parse, are kept as they are. Returns how many changed.
 */
export function renameRunIds(file: string, records: Pick<RunRecord, 'id' | 'previousIds'>[]): number {
  if (!fs.existsSync(file)) return 0;
  const current = new Map(records.flatMap((r) => (r.previousIds ?? []).map((old) => [old, r.id] as const)));
  let renamed = 0;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out = lines.map((text) => {
    let o: { id?: unknown };
    try {
      o = JSON.parse(text) as { id?: unknown };
    } catch {
      return text;
    }
    const id = typeof o.id === 'string' ? current.get(o.id) : undefined;
    if (!id) return text;
    renamed++;
    return JSON.stringify({ ...o, id });
  });
  if (renamed) writeFileAtomic(file, out.join('\n'));
  return renamed;
}
