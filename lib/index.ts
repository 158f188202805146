/**
 * The workspace's public API: what a notebook imports, from one place
 * (`import { runSuiteInNotebook, showTable } from "../dist/lib";`).
 * It follows the flow: data → tokenizers → models → experiments → train → results → analysis,
 * then the notebook helpers and the cost measurements a notebook runs. (Imports follow
 * test/structure.test.ts's LAYER_ORDER, where the results schema sits before train.)
 */
export { initBackend, describeBackend } from './backend';
export * from './data';
export * from './models';
export * from './experiments';
export type { RunRecord } from './results/record';
export { cooldownStart, runOutcome, UNDERFIT_POINTS } from './results/record';
export type { Outcome } from './results/record';
export { ResultStore } from './results/store';
export * from './analysis';
export * from './notebook/display';
export * from './notebook/experiments';
export * from './notebook/verdicts';
export * from './notebook/suite';
export * from './notebook/datasets';
export * from './notebook/image-grid';
export * from './notebook/relation-probe';
export * from './notebook/underfit';
export { fromStore, preset } from './notebook/runner';
export type { PresetName } from './notebook/runner';
export { literatureCostSweep, SCALING_BASE, scalingSweep } from './bench/scaling';
