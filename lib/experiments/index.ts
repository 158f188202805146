/** Experiments: the experiment config, run presets, suites declared as data, and planning. */
export * from './config';
export * from './presets';
export * from './suite';
export * from './suites';
export * from './plan';
