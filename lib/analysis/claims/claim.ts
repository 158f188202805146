/**
 * Claims are checks. The report's prose is written by a person; each statement it
 * makes about the results sits beside a cell that checks it against the store:
 *
 *   const claim = claimsOver(records, PRESET, [...comparisons the prose reads]);
 *   claim.higher('channel-full', 'spatial-full', 'relation');
 *
 * Under a preset that gives verdicts (standard, full), a check that the store does
 * not support throws ClaimNotSupported: the notebook stops there, loudly, and the
 * prose must be rewritten. That includes a claim whose runs are missing, did not
 * converge, whose control failed or whose models failed sanity (sanity.ts). Under a
 * preset that gives no verdicts (smoke, quick), nothing can be claimed, and a check
 * says so without failing.
 *
 * The comparisons the prose reads are one family, Holm-corrected together, paired by
 * seed and gated on convergence, controls and sanity (lib/analysis/statistics.ts).
 */
import { RUN_PRESETS, RunPresetName } from '../../experiments';
import type { RunRecord } from '../../results/record';
import { compareFamily, formatPaired, gates, Paired, PairedVerdict } from '../statistics';
import { checkControls, controlGate, ControlResult } from './controls';
import { sanityFor, sanityGate } from './sanity';

export class ClaimNotSupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimNotSupported';
  }
}

export type ClaimStatus = 'holds' | 'does not hold' | 'not settled';

export interface ClaimCheck {
  /** The claim in words. */
  statement: string;
  status: ClaimStatus;
  /** The numbers behind it. */
  evidence: string;
}

/** What a claim expects of one paired comparison. 'not lower' accepts higher or indistinguishable. */
export type Expectation = 'higher' | 'lower' | 'indistinguishable' | 'not lower';

export interface ComparisonRef {
  dataset: string;
  a: string;
  b: string;
}

/** Whether a verdict meets an expectation: yes, no, or no verdict to judge by. */
export function meets(verdict: PairedVerdict, expect: Expectation): ClaimStatus {
  if (verdict === 'no verdict') return 'not settled';
  if (expect === 'not lower') return verdict === 'lower' ? 'does not hold' : 'holds';
  return verdict === expect ? 'holds' : 'does not hold';
}

const key = (c: ComparisonRef): string => `${c.dataset}\u0000${c.a}\u0000${c.b}`;

export interface Claims {
  /** The family's comparisons, for a table. */
  family: Paired[];
  controls: ControlResult[];
  /** The paired comparison behind a claim (it must be in the family). */
  comparison(a: string, b: string, dataset: string): Paired;
  /** a − b as expected; throws ClaimNotSupported under a verdict-giving preset when it does not hold. */
  expect(a: string, b: string, dataset: string, expectation: Expectation): ClaimCheck;
  higher(a: string, b: string, dataset: string): ClaimCheck;
  lower(a: string, b: string, dataset: string): ClaimCheck;
  /** Indistinguishable at the family's level, after Holm. */
  parity(a: string, b: string, dataset: string): ClaimCheck;
  /** The named control passed. */
  control(model: string, dataset: string): ClaimCheck;
}

/** The claim checks over one preset's records, with `family` as the comparisons the prose may read. */
export function claimsOver(records: RunRecord[], preset: RunPresetName, family: ComparisonRef[]): Claims {
  const controls = checkControls(records);
  const paired = compareFamily(records, family, { blocked: gates(controlGate(controls), sanityGate(sanityFor(records, family))) });
  const byKey = new Map(paired.map((p) => [key(p), p]));
  const verdicts = RUN_PRESETS[preset].verdicts;
  const settle = (c: ClaimCheck): ClaimCheck => {
    if (verdicts && c.status !== 'holds') throw new ClaimNotSupported(`the store no longer supports "${c.statement}": ${c.status} (${c.evidence})`);
    return verdicts ? c : { ...c, status: 'not settled', evidence: `${c.evidence}; preset ${preset} gives no verdicts` };
  };
  const comparison = (a: string, b: string, dataset: string): Paired => {
    const p = byKey.get(key({ dataset, a, b }));
    if (!p) throw new Error(`claim on ${a} − ${b} (${dataset}) is not in the family this report declared; add it, so that Holm's correction counts it`);
    return p;
  };
  const expect = (a: string, b: string, dataset: string, expectation: Expectation): ClaimCheck => {
    const p = comparison(a, b, dataset);
    const words = expectation === 'not lower' ? 'not lower than' : expectation === 'indistinguishable' ? 'indistinguishable from' : `${expectation} than`;
    return settle({ statement: `${a} is ${words} ${b} on ${dataset}`, status: meets(p.verdict, expectation), evidence: `${formatPaired(p)}` });
  };
  return {
    family: paired,
    controls,
    comparison,
    expect,
    higher: (a, b, d) => expect(a, b, d, 'higher'),
    lower: (a, b, d) => expect(a, b, d, 'lower'),
    parity: (a, b, d) => expect(a, b, d, 'indistinguishable'),
    control: (model, dataset) => {
      const c = controls.find((x) => x.control.model === model && x.control.dataset === dataset);
      const statement = `the ${model} control on ${dataset} passes`;
      if (!c) return settle({ statement, status: 'not settled', evidence: `no control result: ${model} has no runs on ${dataset}, or it is not a declared control` });
      return settle({ statement, status: c.pass ? 'holds' : 'does not hold', evidence: c.detail });
    },
  };
}
