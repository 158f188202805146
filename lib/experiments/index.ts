/** Experiments: the experiment config, run presets, the shape of a study, and planning. */
export * from './config';
export * from './presets';
export * from './suite';
export * from './study';
export * from './plan';
export * from './resolved';
