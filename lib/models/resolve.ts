/**
 * A model config completed and checked. The named presets are the study's (study/models.ts);
 * `modelPreset(study, name)` gives one's partial config.
 */
import { DEFAULTS, type ModelConfig, resolveConfig } from './config';
import { checkMemory } from './cost';

/** A partial config (a preset's, with overrides) completed from DEFAULTS and validated field by field (resolveConfig). */
export function completeModelConfig(a: Partial<ModelConfig>, overrides: Partial<ModelConfig> = {}): ModelConfig {
  return resolveConfig(DEFAULTS, { ...a, ...overrides });
}

/**
 * The full config a partial config stands for, completed, validated and held to its memory limit, without
 * building anything. Planning completes its configs and leaves the memory check to resolveExperiment, once.
 */
export function resolveModelConfig(a: Partial<ModelConfig>, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const cfg = completeModelConfig(a, overrides);
  checkMemory(cfg);
  return cfg;
}
