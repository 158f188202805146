/**
 * A model config completed and checked. The named presets are the study's (study/models.ts);
 * `modelPreset(study, name)` gives one's partial config.
 */
import { DEFAULTS, type ModelConfig, resolveConfig, validateConfig } from './config';
import { checkMemory } from './cost';

/**
 * The full config a partial config (a preset's, with overrides) stands for, completed from DEFAULTS
 * and validated, without building anything: planning and analysis use it, the builder too.
 */
export function resolveModelConfig(a: Partial<ModelConfig>, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const cfg = resolveConfig(DEFAULTS, { ...a, ...overrides });
  validateConfig(cfg);
  checkMemory(cfg);
  return cfg;
}
