/**
 * An experiment resolved once: its config checked (every field, and the memory its activations need), frozen,
 * with its run id and the architecture and cost the config stands for. Planning makes one per run; the trainer and
 * the builder take it as it is, so one run is validated and costed once in each process that touches it, not three
 * or four times over (a worker process, given a bare config as JSON, resolves it once itself).
 */
import { deepFreeze } from '../util/freeze';
import { type Architecture, architecture } from '../models/architecture';
import { type Cost, checkMemory, costModel } from '../models/cost';
import { type ExperimentConfig, experimentHash, validateExperiment } from './config';

export interface ResolvedExperiment {
  readonly id: string;
  readonly config: ExperimentConfig;
  readonly architecture: Architecture;
  readonly cost: Cost;
}

/** Checks a config once and freezes it with its id, architecture and cost; throws ConfigError naming the field. */
export function resolveExperiment(config: ExperimentConfig): ResolvedExperiment {
  validateExperiment(config);
  const arch = architecture(config.model);
  const cost = checkMemory(config.model, costModel(config.model, arch));
  return deepFreeze({ id: experimentHash(config), config, architecture: arch, cost });
}

/** Whether a value is already resolved (planning's output), so that it is taken as it is. */
export function isResolved(x: ExperimentConfig | ResolvedExperiment): x is ResolvedExperiment {
  return 'architecture' in x && 'cost' in x && 'config' in x;
}
